/**
 * Math.log2 of two numbers in one WebAssembly SIMD value, for the kernels whose logs must give V8's bits (its
 * Math.log2 is fdlibm's). test/core/features-simd-kernels.test.ts compares it with Math.log2 on millions of inputs.
 */
const IVLN2HI: f64 = reinterpret<f64>(0x3ff7154765200000);
const IVLN2LO: f64 = reinterpret<f64>(0x3de705fc2eefa200);
const LG1: f64 = reinterpret<f64>(0x3fe5555555555593);
const LG2: f64 = reinterpret<f64>(0x3fd999999997fa04);
const LG3: f64 = reinterpret<f64>(0x3fd2492494229359);
const LG4: f64 = reinterpret<f64>(0x3fcc71c51d8e78af);
const LG5: f64 = reinterpret<f64>(0x3fc7466496cb03de);
const LG6: f64 = reinterpret<f64>(0x3fc39a09d078c69f);
const LG7: f64 = reinterpret<f64>(0x3fc2f112df3e5244);
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;
/** 2^52 + 2^51: an integer k below 2^51 in magnitude added to its bits is the double 2^52 + 2^51 + k */
const INTEGER_BIAS: f64 = 6755399441055744;

/**
 * Math.log2 of two numbers at once: fdlibm's log2 (musl's log2.c, as AssemblyScript's Math.log2 at --shrinkLevel 1
 * and V8's Math.log2) with each step done on both lanes, so each lane gets the scalar's bits. A lane that is not a
 * positive, normal, finite number (zero, subnormal, negative, infinite, NaN) takes the scalar's special cases.
 */
// @ts-ignore: decorator
@inline export function log2Pair(x: v128): v128 {
  const x0 = f64x2.extract_lane(x, 0);
  const x1 = f64x2.extract_lane(x, 1);
  if (!(x0 >= SMALLEST_NORMAL && x0 < Infinity && x1 >= SMALLEST_NORMAL && x1 < Infinity)) {
    return f64x2(Math.log2(x0), Math.log2(x1));
  }
  // reduce x into [sqrt(2)/2, sqrt(2)) times 2^k: the high words moved by 1 - sqrt(2)/2 so that k steps at sqrt(2)
  const high = i64x2.add(i64x2.shr_u(x, 32), i64x2.splat(0x3ff00000 - 0x3fe6a09e));
  const k = i64x2.sub(i64x2.shr_u(high, 20), i64x2.splat(0x3ff));
  const reducedHigh = i64x2.add(v128.and(high, i64x2.splat(0x000fffff)), i64x2.splat(0x3fe6a09e));
  const reduced = v128.or(i64x2.shl(reducedHigh, 32), v128.and(x, i64x2.splat(0xffffffff)));
  const f = f64x2.sub(reduced, f64x2.splat(1));
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))));
  const t2 = f64x2.mul(
    z,
    f64x2.add(f64x2.splat(LG1), f64x2.mul(w, f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))))),
  );
  const r = f64x2.add(t2, t1);
  const hi = v128.and(f64x2.sub(f, hfsq), i64x2.splat(0xffffffff00000000));
  const lo = f64x2.add(f64x2.sub(f64x2.sub(f, hi), hfsq), f64x2.mul(s, f64x2.add(hfsq, r)));
  const valHi = f64x2.mul(hi, f64x2.splat(IVLN2HI));
  let valLo = f64x2.add(f64x2.mul(f64x2.add(lo, hi), f64x2.splat(IVLN2LO)), f64x2.mul(lo, f64x2.splat(IVLN2HI)));
  const y = f64x2.sub(i64x2.add(f64x2.splat(INTEGER_BIAS), k), f64x2.splat(INTEGER_BIAS));
  const sum = f64x2.add(y, valHi);
  valLo = f64x2.add(valLo, f64x2.add(f64x2.sub(y, sum), valHi));
  return f64x2.add(valLo, sum);
}
