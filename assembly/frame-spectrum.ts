/**
 * The spectral part of a frame record (src/core/features/frame-record.ts: the sums of analyseSpectrum, the chroma
 * classes of analyseChroma, the filter-bank outputs of mfccFilterSums and the folding and DCT of foldedMfccDcts),
 * after the FFT of assembly/real-fft-400.ts in the same module, so the power spectrum never leaves this memory.
 * Every sum is taken in the JavaScript's order, so the results are the same bits; the SIMD lanes hold different
 * sums side by side (the spectral moments, two chroma classes, two filters, the DCT rows of log G and of 1 / G)
 * rather than splitting one sum. The logarithms stay with the JavaScript's Math.log and Math.log2: the kernel's
 * own would not give V8's bits. Compiled by scripts/build-wasm.mjs into src/core/features/frame-spectrum-simd.wasm,
 * loaded by src/core/features/frame-spectrum-simd.ts, which writes the tables below from the JavaScript's own.
 *
 * Memory (bytes, fixed addresses in the module's one 64 KiB page, after the FFT's; the exported ones are the loader's):
 */
import { FFT_END, POWER } from './real-fft-400';
export {
  INPUT_F32,
  INPUT_F64,
  POWER,
  INPUT_PAIR,
  OUTPUT_BIN,
  TWIDDLE25,
  SPLIT,
  FIVE_POINT,
  powerSpectrumF32,
  powerSpectrumF64,
} from './real-fft-400';

export const LAST: usize = FFT_END; // 200 f64: A_k of the frame before (the flux's cross term)
export const MAGNITUDE: usize = LAST + 1600; // 200 f64: A_k = sqrt(|X_k|^2), A_0 = 0
export const CUMULATIVE: usize = MAGNITUDE + 1600; // 200 f64: |X_1|^2 + .. + |X_k|^2 at [k], 0 at [0]
export const SUMS: usize = CUMULATIVE + 1600; // f64: sum A, sum f A, sum f^2 A, sum A A_last, max |X_k|^2, min G
export const BLOCK_SUMS: usize = SUMS + 64; // 10 f64: |X_k|^2 over the entropy blocks (block 0 from bin 1)
export const CHROMA: usize = BLOCK_SUMS + 80; // 12 f64: the chroma classes
export const FILTERS: usize = CHROMA + 96; // 40 f64: the filter-bank outputs G
export const LOG_FILTERS: usize = FILTERS + 320; // 40 f64: ln G, written by the loader
export const LOG_DCT: usize = LOG_FILTERS + 320; // 13 f64: DCT rows 0..12 of ln G (the loader scales them to log10)
export const INVERSE_DCT: usize = LOG_DCT + 104; // 13 f64: DCT rows 0..12 of 1 / G
const FOLDED: usize = INVERSE_DCT + 104; // 40 f64x2: the folded [ln G, 1 / G] (see foldedMfccDcts)
/** term i of pair q at [(q * TERM_CAPACITY + i) * 32]: bins as i32 at +0 and +4, weights as f64x2 at +16 */
export const CHROMA_TERMS: usize = FOLDED + 640; // 6 pairs of classes (2q, 2q + 1)
export const CHROMA_COUNTS: usize = CHROMA_TERMS + 6 * 16 * 32; // 6 i32: terms per pair
export const FILTER_TERMS: usize = CHROMA_COUNTS + 32; // 20 pairs of filters (2q, 2q + 1)
export const FILTER_COUNTS: usize = FILTER_TERMS + 20 * 16 * 32; // 20 i32
/** foldedMfccDcts's rows by folded input: rows 0, 4, 8, 12 (10 x 4 f64), rows 2, 6, 10 (10 x 3), odd rows (20 x 6) */
export const DCT_ROWS_0_MOD_4: usize = FILTER_COUNTS + 80;
export const DCT_ROWS_2_MOD_4: usize = DCT_ROWS_0_MOD_4 + 320;
export const DCT_ODD_ROWS: usize = DCT_ROWS_2_MOD_4 + 240;
// the last ends at byte 43504, below --memoryBase (scripts/build-wasm.mjs)

export const TERM_CAPACITY: i32 = 16;

/**
 * From the power spectrum at POWER and the last frame's A_k at LAST: A_k, the cumulative power, the spectral sums,
 * the entropy blocks' sums, the chroma classes, the filter-bank outputs and the smallest of them.
 */
export function spectrumSums(): void {
  store<f64>(MAGNITUDE, 0);
  store<f64>(CUMULATIVE, 0);
  // bin 1 alone (bin 0 is the window's), then bins in pairs (k, k + 1): the square roots two at a time, each bin
  // added to the sums in turn, as the JavaScript adds it
  const p1 = load<f64>(POWER, 8);
  const a1 = Math.sqrt(p1);
  store<f64>(MAGNITUDE, a1, 8);
  let moments = f64x2.mul(f64x2(1, 80), f64x2.splat(a1)); // [sum A, sum f A]
  let secondAndCross = f64x2.mul(f64x2.replace_lane(f64x2.splat(80 * 80), 1, load<f64>(LAST, 8)), f64x2.splat(a1)); // [sum f^2 A, sum A A_last]
  let blockAndRunning = f64x2.splat(p1); // [the block's sum, the running sum]
  store<f64>(CUMULATIVE, p1, 8);
  const firstMax: f64 = p1 > 0 ? p1 : 0;
  let maxima = f64x2.splat(0); // of the pairs' first and second bins
  const one = f64x2.splat(1);
  const hzStep = f64x2.splat(80);
  let hz = f64x2(120, 160); // bins 2 and 3 lie at 120 and 160 Hz
  for (let b = 0, k = 2; b < 10; b++) {
    for (const end = (b + 1) * 20; k < end; k += 2) {
      const at = <usize>k << 3;
      const p = v128.load(POWER + at);
      const a = f64x2.sqrt(p);
      v128.store(MAGNITUDE + at, a);
      const last = v128.load(LAST + at);
      const hzSquared = f64x2.mul(hz, hz);
      const first = v128.shuffle<f64>(a, a, 0, 0);
      moments = f64x2.add(moments, f64x2.mul(v128.shuffle<f64>(one, hz, 0, 2), first));
      secondAndCross = f64x2.add(secondAndCross, f64x2.mul(v128.shuffle<f64>(hzSquared, last, 0, 2), first));
      const second = v128.shuffle<f64>(a, a, 1, 1);
      moments = f64x2.add(moments, f64x2.mul(v128.shuffle<f64>(one, hz, 0, 3), second));
      secondAndCross = f64x2.add(secondAndCross, f64x2.mul(v128.shuffle<f64>(hzSquared, last, 1, 3), second));
      // lane by lane as the JavaScript's `if (p > max) max = p` (a NaN is passed over)
      maxima = v128.bitselect(p, maxima, f64x2.gt(p, maxima));
      blockAndRunning = f64x2.add(blockAndRunning, v128.shuffle<f64>(p, p, 0, 0));
      store<f64>(CUMULATIVE + at, f64x2.extract_lane(blockAndRunning, 1));
      blockAndRunning = f64x2.add(blockAndRunning, v128.shuffle<f64>(p, p, 1, 1));
      store<f64>(CUMULATIVE + at, f64x2.extract_lane(blockAndRunning, 1), 8);
      hz = f64x2.add(hz, hzStep);
    }
    store<f64>(BLOCK_SUMS + (<usize>b << 3), f64x2.extract_lane(blockAndRunning, 0));
    blockAndRunning = f64x2.replace_lane(blockAndRunning, 0, 0);
  }
  let maxPower = firstMax;
  if (f64x2.extract_lane(maxima, 0) > maxPower) maxPower = f64x2.extract_lane(maxima, 0);
  if (f64x2.extract_lane(maxima, 1) > maxPower) maxPower = f64x2.extract_lane(maxima, 1);
  v128.store(SUMS, moments);
  v128.store(SUMS, secondAndCross, 16);
  store<f64>(SUMS, maxPower, 32);
  pairedSums(CHROMA_TERMS, CHROMA_COUNTS, 6, POWER, CHROMA);
  pairedSums(FILTER_TERMS, FILTER_COUNTS, 20, MAGNITUDE, FILTERS);
  let minFilter: f64 = Infinity;
  for (let i = 0; i < 40; i++) {
    const g = load<f64>(FILTERS + (<usize>i << 3));
    if (g < minFilter) minFilter = g;
  }
  store<f64>(SUMS, minFilter, 40);
}

/**
 * Weighted sums of `values` (f64 by bin) in pairs: pair q's lanes sum their terms in order (a shorter lane padded
 * with zero weights, which add +0 and leave its sum as it was) into out[2 q] and out[2 q + 1].
 */
// @ts-ignore: decorator
@inline function pairedSums(terms: usize, counts: usize, pairs: i32, values: usize, out: usize): void {
  for (let q = 0; q < pairs; q++) {
    const count = load<i32>(counts + (<usize>q << 2));
    let sum = f64x2.splat(0);
    let t = terms + <usize>(q * TERM_CAPACITY * 32);
    for (let i = 0; i < count; i++, t += 32) {
      const x = f64x2.replace_lane(f64x2.splat(load<f64>(values + (<usize>load<i32>(t) << 3))), 1, load<f64>(values + (<usize>load<i32>(t, 4) << 3)));
      sum = f64x2.add(sum, f64x2.mul(x, v128.load(t, 16)));
    }
    v128.store(out + (<usize>q << 4), sum);
  }
}

/** [ln G_i, 1 / G_i] */
// @ts-ignore: decorator
@inline function logAndInverse(i: i32): v128 {
  const at = <usize>i << 3;
  return f64x2.replace_lane(f64x2.splat(load<f64>(LOG_FILTERS + at)), 1, 1 / load<f64>(FILTERS + at));
}

// @ts-ignore: decorator
@inline function row(sum: v128, table: usize, x: v128): v128 {
  return f64x2.add(sum, f64x2.mul(f64x2.splat(load<f64>(table)), x));
}

/** DCT rows 0..12 of ln G (LOG_FILTERS, from the loader) and of 1 / G into LOG_DCT and INVERSE_DCT. */
export function mfccDcts(): void {
  for (let n = 0; n < 10; n++) {
    const a = logAndInverse(n);
    const b = logAndInverse(39 - n);
    const c = logAndInverse(19 - n);
    const d = logAndInverse(20 + n);
    const ab = f64x2.add(a, b);
    const cd = f64x2.add(c, d);
    v128.store(FOLDED + (<usize>n << 4), f64x2.add(ab, cd));
    v128.store(FOLDED + (<usize>(10 + n) << 4), f64x2.sub(ab, cd));
    v128.store(FOLDED + (<usize>(20 + n) << 4), f64x2.sub(a, b));
    v128.store(FOLDED + (<usize>(39 - n) << 4), f64x2.sub(c, d));
  }
  const zero = f64x2.splat(0);
  let r0 = zero,
    r4 = zero,
    r8 = zero,
    r12 = zero;
  for (let n = 0; n < 10; n++) {
    const x = v128.load(FOLDED + (<usize>n << 4));
    const d = DCT_ROWS_0_MOD_4 + (<usize>(n * 4) << 3);
    r0 = row(r0, d, x);
    r4 = row(r4, d + 8, x);
    r8 = row(r8, d + 16, x);
    r12 = row(r12, d + 24, x);
  }
  let r2 = zero,
    r6 = zero,
    r10 = zero;
  for (let n = 0; n < 10; n++) {
    const x = v128.load(FOLDED + (<usize>(10 + n) << 4));
    const d = DCT_ROWS_2_MOD_4 + (<usize>(n * 3) << 3);
    r2 = row(r2, d, x);
    r6 = row(r6, d + 8, x);
    r10 = row(r10, d + 16, x);
  }
  let r1 = zero,
    r3 = zero,
    r5 = zero,
    r7 = zero,
    r9 = zero,
    r11 = zero;
  for (let n = 0; n < 20; n++) {
    const x = v128.load(FOLDED + (<usize>(20 + n) << 4));
    const d = DCT_ODD_ROWS + (<usize>(n * 6) << 3);
    r1 = row(r1, d, x);
    r3 = row(r3, d + 8, x);
    r5 = row(r5, d + 16, x);
    r7 = row(r7, d + 24, x);
    r9 = row(r9, d + 32, x);
    r11 = row(r11, d + 40, x);
  }
  storeRow(0, r0);
  storeRow(1, r1);
  storeRow(2, r2);
  storeRow(3, r3);
  storeRow(4, r4);
  storeRow(5, r5);
  storeRow(6, r6);
  storeRow(7, r7);
  storeRow(8, r8);
  storeRow(9, r9);
  storeRow(10, r10);
  storeRow(11, r11);
  storeRow(12, r12);
}

// @ts-ignore: decorator
@inline function storeRow(k: i32, r: v128): void {
  store<f64>(LOG_DCT + (<usize>k << 3), f64x2.extract_lane(r, 0));
  store<f64>(INVERSE_DCT + (<usize>k << 3), f64x2.extract_lane(r, 1));
}
