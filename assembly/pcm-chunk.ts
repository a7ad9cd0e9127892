/**
 * What a stream of 16-bit audio computes per sample of each chunk (src/core/features/feature-window-stream.ts), with
 * 128-bit SIMD over 8 samples at a time: the samples as floats for the frame analysis, the sum, minimum and maximum of
 * each 160-sample block for the window normalisation, the sum of squares of each 400-sample frame for speech
 * trimming. The samples are whole numbers of 1/32768 steps, so every result is exact (the sums are whole numbers far
 * below 2^53, the conversion multiplies by a power of two) and equals the JavaScript's sample-by-sample loops over the
 * floats. Compiled by scripts/build-wasm.mjs into src/core/features/pcm-chunk-simd.wasm, loaded by
 * src/core/features/pcm-chunk-simd.ts, which copies the samples in (at most CAPACITY a call) and the results out.
 *
 * Memory (bytes, fixed addresses in the module's one 64 KiB page; the exported ones are the loader's):
 */
export const CAPACITY: i32 = 4000; // samples a call: 25 blocks, 10 frames
export const PCM: usize = 0; // CAPACITY i16
export const FLOATS: usize = 8000; // CAPACITY f32
export const BLOCK_SUMS: usize = 24000; // 25 i32: in 1/32768 steps
export const BLOCK_MINS: usize = 24100; // 25 i32
export const BLOCK_MAXS: usize = 24200; // 25 i32
export const FRAME_SQUARES: usize = 24304; // 10 f64: sums of squares, in (1/32768)^2 steps
// the last ends at byte 24384, below --memoryBase (scripts/build-wasm.mjs)

const BLOCK: i32 = 160;
const FRAME: i32 = 400;

/** FLOATS[i] = PCM[i] / 32768 for i < n. */
export function toFloats(n: i32): void {
  const step = f32x4.splat(<f32>(1.0 / 32768));
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(PCM + (<usize>i << 1));
    v128.store(FLOATS + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v)), step));
    v128.store(FLOATS + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v)), step), 16);
  }
  for (; i < n; i++) store<f32>(FLOATS + (<usize>i << 2), <f32>load<i16>(PCM + (<usize>i << 1)) * <f32>(1.0 / 32768));
}

/** Sum, minimum and maximum of the `count` blocks of 160 samples from PCM[first]. */
export function blockSummaries(first: i32, count: i32): void {
  for (let b = 0; b < count; b++) {
    const start = PCM + (<usize>(first + b * BLOCK) << 1);
    let sum = i32x4.splat(0);
    let low = i16x8.splat(32767);
    let high = i16x8.splat(-32768);
    for (let i = 0; i < BLOCK; i += 8) {
      const v = v128.load(start + (<usize>i << 1));
      sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_s(v));
      low = i16x8.min_s(low, v);
      high = i16x8.max_s(high, v);
    }
    store<i32>(BLOCK_SUMS + (<usize>b << 2), i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3));
    // the lanes' extremes folded in halves: 8 -> 4 -> 2 -> 1
    low = i16x8.min_s(low, v128.shuffle<i16>(low, low, 4, 5, 6, 7, 0, 1, 2, 3));
    low = i16x8.min_s(low, v128.shuffle<i16>(low, low, 2, 3, 0, 1, 4, 5, 6, 7));
    low = i16x8.min_s(low, v128.shuffle<i16>(low, low, 1, 0, 2, 3, 4, 5, 6, 7));
    high = i16x8.max_s(high, v128.shuffle<i16>(high, high, 4, 5, 6, 7, 0, 1, 2, 3));
    high = i16x8.max_s(high, v128.shuffle<i16>(high, high, 2, 3, 0, 1, 4, 5, 6, 7));
    high = i16x8.max_s(high, v128.shuffle<i16>(high, high, 1, 0, 2, 3, 4, 5, 6, 7));
    const min = <i32>i16x8.extract_lane_s(low, 0);
    const max = <i32>i16x8.extract_lane_s(high, 0);
    store<i32>(BLOCK_MINS + (<usize>b << 2), min);
    store<i32>(BLOCK_MAXS + (<usize>b << 2), max);
  }
}

/** Sum of squares of the `count` frames of 400 samples from PCM[first]. */
export function frameSquares(first: i32, count: i32): void {
  for (let f = 0; f < count; f++) {
    const start = PCM + (<usize>(first + f * FRAME) << 1);
    let sum = i64x2.splat(0);
    for (let i = 0; i < FRAME; i += 8) {
      const v = v128.load(start + (<usize>i << 1));
      // each square is at most 2^30: i32 lanes hold it, the sum needs 64 bits
      const low = i32x4.extmul_low_i16x8_s(v, v);
      const high = i32x4.extmul_high_i16x8_s(v, v);
      sum = i64x2.add(sum, i64x2.add(i64x2.extend_low_i32x4_u(low), i64x2.extend_high_i32x4_u(low)));
      sum = i64x2.add(sum, i64x2.add(i64x2.extend_low_i32x4_u(high), i64x2.extend_high_i32x4_u(high)));
    }
    store<f64>(FRAME_SQUARES + (<usize>f << 3), <f64>(i64x2.extract_lane(sum, 0) + i64x2.extract_lane(sum, 1)));
  }
}
