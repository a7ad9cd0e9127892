/**
 * The time-domain part of a frame's record for the 4 blocks of 40 samples a frame adds to its predecessor's
 * (src/core/features/frame-sample-blocks.ts), with 128-bit SIMD: blocks 0 and 1 in the lanes of one f64x2, blocks
 * 2 and 3 in another, so the four blocks' sums run side by side instead of one after another. Each lane adds its
 * block's samples in the JavaScript's order, so the results are the same bits. Compiled by scripts/build-wasm.mjs
 * into src/core/features/frame-sample-blocks-simd.wasm, loaded by src/core/features/frame-sample-blocks-simd.ts.
 *
 * Memory (bytes, fixed addresses in the module's one 64 KiB page; the exported ones are the loader's):
 */
export const SAMPLES: usize = 0; // 160 f32: the 4 blocks
export const SUM: usize = 640; // 4 f64 per output
export const MEAN: usize = 672;
export const CENTRED: usize = 704;
export const BELOW: usize = 736; // 4 f64: pairs split by [r >= pivot]
export const ABOVE: usize = 768; // 4 f64: pairs split by [r > pivot]
const PAIRS: usize = 800; // 40 f64x2: the samples of two blocks side by side, kept for the second pass
const END: usize = 1440; // within the page, below --memoryBase (scripts/build-wasm.mjs)

const BLOCK_BYTES: usize = 40 * 4;

/** Sample i of two blocks (the first at byte p) as an f64x2. */
// @ts-ignore: decorator
@inline function pairAt(p: usize): v128 {
  return f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p)), 1, <f64>load<f32>(p + BLOCK_BYTES));
}

/** Sums, means, centred energies and zero-crossing counts about `pivot` of the 4 blocks at samples(). */
export function blocks(pivot: f64): void {
  const p = f64x2.splat(pivot);
  const one = f64x2.splat(1);
  for (let half: usize = 0; half < 2; half++) {
    const first = SAMPLES + half * 2 * BLOCK_BYTES;
    let sum = f64x2.splat(0);
    let below = f64x2.splat(0);
    let above = f64x2.splat(0);
    let t = f64x2.sub(pairAt(first), p);
    let wasAtOrAbove = f64x2.ge(t, f64x2.splat(0));
    let wasAbove = f64x2.gt(t, f64x2.splat(0));
    for (let i: usize = 0; i < 40; i++) {
      const r = pairAt(first + (i << 2));
      v128.store(PAIRS + (i << 4), r);
      sum = f64x2.add(sum, r);
      t = f64x2.sub(r, p);
      const atOrAbove = f64x2.ge(t, f64x2.splat(0));
      const isAbove = f64x2.gt(t, f64x2.splat(0));
      // a lane's mask is all ones where its comparison held: the xor of two masks, and-ed with 1.0, adds 1 or 0
      below = f64x2.add(below, v128.and(v128.xor(atOrAbove, wasAtOrAbove), one));
      above = f64x2.add(above, v128.and(v128.xor(isAbove, wasAbove), one));
      wasAtOrAbove = atOrAbove;
      wasAbove = isAbove;
    }
    const mean = f64x2.div(sum, f64x2.splat(40));
    let centred = f64x2.splat(0);
    for (let i: usize = 0; i < 40; i++) {
      const d = f64x2.sub(v128.load(PAIRS + (i << 4)), mean);
      centred = f64x2.add(centred, f64x2.mul(d, d));
    }
    const out = half << 4;
    v128.store(SUM + out, sum);
    v128.store(MEAN + out, mean);
    v128.store(CENTRED + out, centred);
    v128.store(BELOW + out, below);
    v128.store(ABOVE + out, above);
  }
}
