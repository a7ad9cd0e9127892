/**
 * The 400-point real FFT of src/core/features/real-fft-400.ts (the same prime-factor 8 x 25 algorithm, the same
 * operations in the same order, so the same bits), in AssemblyScript with 128-bit SIMD: each complex value is
 * one f64x2 [re, im], so an addition of two complex values is one instruction instead of two. About 3x faster
 * per frame than the JavaScript (`npx tsx scripts/bench/frame-record-stages.ts --baseline 8f408c6 --stages fft`:
 * 6.87 -> 2.05 us, Node 20, x86-64). Compiled by scripts/build-wasm.mjs into
 * src/core/features/real-fft-400-simd.wasm, loaded by src/core/features/real-fft-400-simd.ts, which also writes
 * the tables below (computed by the JavaScript's own expressions: the two builds' Math.cos may differ in the
 * last bit).
 *
 * Memory (bytes, one 64 KiB page, fixed addresses: the module has no allocator; the exported ones are the loader's):
 */
export const INPUT_F32: usize = 0; // 400 f32
export const INPUT_F64: usize = 1600; // 400 f64
const ROW: usize = 4800; // 200 complex: the 8-point DFTs' outputs, row k1 at [k1 * 25 ..)
const MID: usize = 8000; // 25 complex: one 25-point DFT's middle values
const Z: usize = 8400; // 200 complex: Z[k], the 200-point DFT of z[n] = x[2n] + i x[2n+1]
export const POWER: usize = 11600; // 200 f64: |X_k|^2
export const INPUT_PAIR: usize = 13200; // 200 i32: index of z[n] (n = (25 n1 + 8 n2) mod 200) at [n2 * 8 + n1]
export const OUTPUT_BIN: usize = 14000; // 200 i32: bin of the 25-point DFT output l1 + 5 l2 of row k1 at [k1 * 25 + l1 * 5 + l2]
export const TWIDDLE25: usize = 14800; // 25 x [cos, cos, -sin, sin] of W25^(l1 m2) at [l1 * 5 + m2]
export const SPLIT: usize = 15600; // 200 x [cos, cos, -sin, sin] of e^{-2 pi i k / 400}
export const FIVE_POINT: usize = 22000; // f64 cos(2 pi / 5), cos(4 pi / 5), sin(2 pi / 5), sin(4 pi / 5)
/** the first byte past this kernel's memory: assembly/frame-spectrum.ts puts its own there */
export const FFT_END: usize = 22032; // within the page, below --memoryBase, where the compiler puts any data of its own

const M = 200;

/** -i v = (im, -re) */
// @ts-ignore: decorator
@inline function timesMinusI(v: v128): v128 {
  return f64x2.mul(v128.shuffle<f64>(v, v, 1, 0), f64x2(1, -1));
}

/** v w for w at t as [cos, cos, -sin, sin]: (re cos - im sin, im cos + re sin), the JavaScript's order */
// @ts-ignore: decorator
@inline function times(v: v128, t: usize): v128 {
  return f64x2.add(f64x2.mul(v, v128.load(t)), f64x2.mul(v128.shuffle<f64>(v, v, 1, 0), v128.load(t, 16)));
}

/** |X_k|^2 of bins 0..199 of the 400 f32 samples at INPUT_F32 into POWER. */
export function powerSpectrumF32(): void {
  powerSpectrumOf<f32>();
}

/** The same for 400 f64 samples at INPUT_F64. */
export function powerSpectrumF64(): void {
  powerSpectrumOf<f64>();
}

/** z[n] = x[2n] + i x[2n+1] for the pair index at `map` + `at`, from the samples of type T (f32 or f64). */
// @ts-ignore: decorator
@inline function pairOf<T>(map: usize, at: usize): v128 {
  const n = <usize>load<i32>(map + at);
  // sizeof<T>() is known when compiling: each instance keeps one of the two loads
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(INPUT_F32 + (n << 3)));
  return v128.load(INPUT_F64 + (n << 4));
}

function powerSpectrumOf<T>(): void {
  const sqrt1_2 = f64x2.splat(Math.SQRT1_2);
  for (let n2 = 0; n2 < 25; n2++) {
    const map = INPUT_PAIR + ((n2 * 8) << 2);
    eightPointDft(
      n2,
      sqrt1_2,
      pairOf<T>(map, 0),
      pairOf<T>(map, 4),
      pairOf<T>(map, 8),
      pairOf<T>(map, 12),
      pairOf<T>(map, 16),
      pairOf<T>(map, 20),
      pairOf<T>(map, 24),
      pairOf<T>(map, 28),
    );
  }
  rowsAndSplit();
}

/** The 8-point DFT over n1 of z[(25 n1 + 8 n2) mod 200] (a0..a7) into row k1 at [k1 * 25 + n2]. */
// @ts-ignore: decorator
@inline function eightPointDft(n2: i32, sqrt1_2: v128, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128): void {
  const e0 = f64x2.add(a0, a4);
  const e1 = f64x2.sub(a0, a4);
  const e2 = f64x2.add(a2, a6);
  const e3 = timesMinusI(f64x2.sub(a2, a6));
  const E0 = f64x2.add(e0, e2);
  const E2 = f64x2.sub(e0, e2);
  const E1 = f64x2.add(e1, e3);
  const E3 = f64x2.sub(e1, e3);
  const o0 = f64x2.add(a1, a5);
  const o1 = f64x2.sub(a1, a5);
  const o2 = f64x2.add(a3, a7);
  const o3 = timesMinusI(f64x2.sub(a3, a7));
  const O0 = f64x2.add(o0, o2);
  const O2 = f64x2.sub(o0, o2);
  const O1 = f64x2.add(o1, o3);
  const O3 = f64x2.sub(o1, o3);
  // twiddles w8^1 = (1 - i)/sqrt2, w8^2 = -i, w8^3 = -(1 + i)/sqrt2
  const P1 = f64x2.mul(sqrt1_2, f64x2.add(O1, timesMinusI(O1)));
  const P2 = timesMinusI(O2);
  const P3 = f64x2.mul(sqrt1_2, f64x2.sub(timesMinusI(O3), O3));
  const y = ROW + (<usize>n2 << 4);
  v128.store(y, f64x2.add(E0, O0));
  v128.store(y, f64x2.add(E1, P1), 25 * 16);
  v128.store(y, f64x2.add(E2, P2), 50 * 16);
  v128.store(y, f64x2.add(E3, P3), 75 * 16);
  v128.store(y, f64x2.sub(E0, O0), 100 * 16);
  v128.store(y, f64x2.sub(E1, P1), 125 * 16);
  v128.store(y, f64x2.sub(E2, P2), 150 * 16);
  v128.store(y, f64x2.sub(E3, P3), 175 * 16);
}

/**
 * The 5-point DFT of a0..a4 (constants c1 = cos(2 pi / 5), c2 = cos(4 pi / 5), s1, s2 the sines) to the addresses
 * o0..o4; outputs 1..4 times the twiddles W25^(l1 m2) when `twiddles` (their address for l1 = 0, m2 > 0) is not 0.
 */
// @ts-ignore: decorator
@inline function fivePointDft(
  a0: v128,
  a1: v128,
  a2: v128,
  a3: v128,
  a4: v128,
  o0: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  o4: usize,
  twiddles: usize,
  c1: v128,
  c2: v128,
  s1: v128,
  s2: v128,
): void {
  const s14 = f64x2.add(a1, a4);
  const d14 = f64x2.sub(a1, a4);
  const s23 = f64x2.add(a2, a3);
  const d23 = f64x2.sub(a2, a3);
  const m1 = f64x2.add(f64x2.add(a0, f64x2.mul(c1, s14)), f64x2.mul(c2, s23));
  const m2 = f64x2.add(f64x2.add(a0, f64x2.mul(c2, s14)), f64x2.mul(c1, s23));
  const n1 = timesMinusI(f64x2.add(f64x2.mul(s1, d14), f64x2.mul(s2, d23)));
  const n2 = timesMinusI(f64x2.sub(f64x2.mul(s2, d14), f64x2.mul(s1, d23)));
  v128.store(o0, f64x2.add(f64x2.add(a0, s14), s23));
  if (twiddles == 0) {
    v128.store(o1, f64x2.add(m1, n1));
    v128.store(o2, f64x2.add(m2, n2));
    v128.store(o3, f64x2.sub(m2, n2));
    v128.store(o4, f64x2.sub(m1, n1));
  } else {
    v128.store(o1, times(f64x2.add(m1, n1), twiddles + 5 * 32));
    v128.store(o2, times(f64x2.add(m2, n2), twiddles + 10 * 32));
    v128.store(o3, times(f64x2.sub(m2, n2), twiddles + 15 * 32));
    v128.store(o4, times(f64x2.sub(m1, n1), twiddles + 20 * 32));
  }
}

/** Each row's 25-point DFT (5 x 5) into Z, then the split into the real spectrum's power. */
function rowsAndSplit(): void {
  const c1 = f64x2.splat(load<f64>(FIVE_POINT));
  const c2 = f64x2.splat(load<f64>(FIVE_POINT, 8));
  const s1 = f64x2.splat(load<f64>(FIVE_POINT, 16));
  const s2 = f64x2.splat(load<f64>(FIVE_POINT, 24));
  for (let k1 = 0; k1 < 8; k1++) {
    const row = ROW + <usize>(k1 * 25 * 16);
    // 5-point DFTs over m1 for each m2, times W25^(l1 m2)
    for (let m2 = 0; m2 < 5; m2++) {
      const p = row + (<usize>m2 << 4);
      const q = MID + (<usize>m2 << 4);
      fivePointDft(
        v128.load(p),
        v128.load(p, 80),
        v128.load(p, 160),
        v128.load(p, 240),
        v128.load(p, 320),
        q,
        q + 80,
        q + 160,
        q + 240,
        q + 320,
        m2 == 0 ? 0 : TWIDDLE25 + (<usize>m2 << 5),
        c1,
        c2,
        s1,
        s2,
      );
    }
    // 5-point DFTs over m2 for each l1, to bins (25 k1 + 176 (l1 + 5 l2)) mod 200
    for (let l1 = 0; l1 < 5; l1++) {
      const p = MID + <usize>(l1 * 80);
      const b = OUTPUT_BIN + (<usize>(k1 * 25 + l1 * 5) << 2);
      fivePointDft(
        v128.load(p),
        v128.load(p, 16),
        v128.load(p, 32),
        v128.load(p, 48),
        v128.load(p, 64),
        Z + (<usize>load<i32>(b) << 4),
        Z + (<usize>load<i32>(b, 4) << 4),
        Z + (<usize>load<i32>(b, 8) << 4),
        Z + (<usize>load<i32>(b, 12) << 4),
        Z + (<usize>load<i32>(b, 16) << 4),
        0,
        c1,
        c2,
        s1,
        s2,
      );
    }
  }
  // X[k] = E[k] + W^k O[k], 2E = Z[k] + conj Z[M-k], 2O = (Z[k] - conj Z[M-k]) / i; |X|^2 a quarter of |2X|^2
  const z0 = v128.load(Z);
  const x0 = f64x2.extract_lane(z0, 0) + f64x2.extract_lane(z0, 1);
  store<f64>(POWER, x0 * x0);
  const conjugate = f64x2(1, -1);
  for (let k = 1; k <= M / 2; k++) {
    const z = v128.load(Z + (<usize>k << 4));
    const c = f64x2.mul(v128.load(Z + (<usize>(M - k) << 4)), conjugate);
    const e = f64x2.add(z, c);
    const o = timesMinusI(f64x2.sub(z, c));
    const wo = times(o, SPLIT + (<usize>k << 5));
    const x = f64x2.add(e, wo);
    const xx = f64x2.mul(x, x);
    store<f64>(POWER + (<usize>k << 3), 0.25 * (f64x2.extract_lane(xx, 0) + f64x2.extract_lane(xx, 1)));
    if (k < M / 2) {
      const y = f64x2.sub(e, wo);
      const yy = f64x2.mul(y, y);
      store<f64>(POWER + (<usize>(M - k) << 3), 0.25 * (f64x2.extract_lane(yy, 0) + f64x2.extract_lane(yy, 1)));
    }
  }
}
