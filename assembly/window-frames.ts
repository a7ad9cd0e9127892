/**
 * A window's 34 short-term features from its frames' records (src/core/features/window-short-term-features.ts,
 * WindowFeatureComputer.compute), for up to FRAMES frames a call: the same expressions in the same order, so the same
 * bits. The logs are fdlibm's log2, which V8's Math.log2 is, two at a time (log2-pair.ts; its special cases take
 * AssemblyScript's fdlibm Math.log2, compiled with --shrinkLevel 1 by scripts/build-wasm.mjs): the same bits
 * (test/core/features-simd-kernels.test.ts), and a frame's 12 logs as 6 pairs cost a quarter less of the window code
 * than 12 calls (scripts/bench/frame-record-stages.ts --stages window). What needs the samples (a zero-crossing count the records
 * cannot give, a rolloff too close to call, MFCCs near eps) is flagged for the JavaScript, which also computes any
 * window whose records hold a value outside float32's range. Compiled into src/core/features/window-frames-simd.wasm,
 * loaded by src/core/features/window-frames-simd.ts.
 *
 * Memory (bytes, fixed addresses in the module's two 64 KiB pages; the exported ones are the loader's):
 */
import { log2Pair } from './log2-pair';

export const FRAMES: i32 = 150;
/** the records' layout (frame-record.ts REC, REC32, REC16), checked by the loader */
export const REC_LENGTH: i32 = 21;
export const REC32_LENGTH: i32 = 60;
export const REC16_LENGTH: i32 = 27;
export const SINGLES: usize = 0; // FRAMES x REC32_LENGTH f32
export const HALVES: usize = 36000; // FRAMES x REC16_LENGTH i16
export const BLOCKS: usize = 44100; // (4 FRAMES + 6) x [mean, centred energy] f32: frame k's block b at 4 k + b
export const MATRIX: usize = 48952; // 34 x FRAMES f64: feature i of frame k at [i * FRAMES + k]
export const FLAGS: usize = 89752; // FRAMES u8: ZCR_FROM_SAMPLES | ROLLOFF_FROM_SAMPLES | MFCC_FROM_SAMPLES
export const BIN0_MAGNITUDES: usize = 89904; // FRAMES f64: A_0 of each frame (the rolloff's fallback)
export const SQUARES: usize = 91104; // FRAMES f64: each frame's spectral power with A_0
const BLOCK_ENERGY: usize = 92304; // 10 f64
// the last ends at byte 92384, below --memoryBase (scripts/build-wasm.mjs: two pages)

export const ZCR_FROM_SAMPLES: u8 = 1;
export const ROLLOFF_FROM_SAMPLES: u8 = 2;
export const MFCC_FROM_SAMPLES: u8 = 4;

// REC, REC32, REC16 fields (frame-record.ts)
const FRAME_MEAN: i32 = 0;
const SUM_A: i32 = 1;
const SUM_IND_A: i32 = 2;
const SUM_IND2_A: i32 = 3;
const ENTROPY_BLOCK0: i32 = 4;
const ENTROPY_UPPER: i32 = 5;
const ENTROPY_UPPER_B_LOG_B: i32 = 6;
const FLUX_CROSS: i32 = 7;
const LOG_MEL_DCT: i32 = 8;
const ZCR_PIVOT: i32 = 21;
const ZCR_REACH: i32 = 22;
const ZCR_PIVOT2: i32 = 23;
const ZCR_REACH2: i32 = 24;
const INVERSE_MEL_DCT: i32 = 25;
const CHROMA: i32 = 38;
const MAX_A: i32 = 50;
const MIN_FILTER: i32 = 51;
const ROLLOFF_TAIL: i32 = 52;
const ZCR_BELOW: i32 = 21;
const ZCR_ABOVE: i32 = 22;
const ZCR_BELOW2: i32 = 23;
const ZCR_ABOVE2: i32 = 24;
const ROLLOFF_BIN: i32 = 25;
const TAIL_VALUES: i32 = 8;

const EPS: f64 = 2.220446049250313e-16;
const CORRECTION_UNIT: f64 = 1.0 / 274877906944; // 2^-38
const ZCR_PAIRS: f64 = 399;
const HALF_RATE: f64 = 8000;
const MFCC_SHORTCUT_LIMIT: f64 = 1e-6;
const SINGLE_PRECISION_MARGIN: f64 = 1.2e-7;
const SINGLE_PRECISION_FLOOR: f64 = 1e-44;

// what the previous frame of the window leaves for the flux
let previousA0: f64 = 0;
let previousU: f64 = 0;
let previousSquares: f64 = 0;

// @ts-ignore: decorator
@inline function single(k: i32, i: i32): f64 {
  return <f64>load<f32>(SINGLES + (<usize>(k * REC32_LENGTH + i) << 2));
}

// @ts-ignore: decorator
@inline function half(k: i32, i: i32): i32 {
  return <i32>load<i16>(HALVES + (<usize>(k * REC16_LENGTH + i) << 1));
}

/** FrameRecords.precise for a value known not to be EXACT (the loader leaves windows with such values to the JavaScript). */
// @ts-ignore: decorator
@inline function precise(k: i32, i: i32): f64 {
  const hi = single(k, i);
  return hi + hi * (<f64>half(k, i) * CORRECTION_UNIT);
}

/** zeroCrossingRateAbout (zero-crossing-counts.ts) */
// @ts-ignore: decorator
@inline function zeroCrossingRateAbout(p: f64, reach: f64, below: f64, above: f64, m: f64): f64 {
  if (m == p) return (below + above) / 2 / ZCR_PAIRS;
  if (m < p) return p - m < reach ? below / ZCR_PAIRS : -1;
  return m - p < reach ? above / ZCR_PAIRS : -1;
}

// @ts-ignore: decorator
@inline function put(feature: i32, k: i32, value: f64): void {
  store<f64>(MATRIX + (<usize>(feature * FRAMES + k) << 3), value);
}

/**
 * Features of frames 0..n-1 for a window of mean m and scale s (the constants of compute() derived from them passed
 * as the JavaScript computes them); `startsWindow` when frame 0 is the window's first (its flux is 0).
 */
export function windowFrames(
  n: i32,
  startsWindow: bool,
  mean: f64,
  scale: f64,
  sigma: f64,
  fluxEps: f64,
  logScale: f64,
  epsScale: f64,
  energyEps: f64,
  correction: f64,
  bin0Class: i32,
  bin0Divisor: f64,
): void {
  const sqrtFilters = Math.sqrt(40);
  for (let k = 0; k < n; k++) {
    let flags: u8 = 0;

    // zero-crossing rate: the counts about the frame's pivot, else the window code's own, else the samples
    const pivot = single(k, ZCR_PIVOT);
    let zcr: f64 = -1;
    if (pivot == pivot) {
      zcr = zeroCrossingRateAbout(pivot, single(k, ZCR_REACH), <f64>half(k, ZCR_BELOW), <f64>half(k, ZCR_ABOVE), mean);
      if (zcr < 0) {
        zcr = zeroCrossingRateAbout(single(k, ZCR_PIVOT2), single(k, ZCR_REACH2), <f64>half(k, ZCR_BELOW2), <f64>half(k, ZCR_ABOVE2), mean);
      }
    }
    if (zcr < 0) flags |= ZCR_FROM_SAMPLES;
    put(0, k, zcr);

    // energy and energy entropy
    let energy: f64 = 0;
    for (let b = 0; b < 10; b++) {
      const block = BLOCKS + (<usize>(4 * k + b) << 3);
      const d = <f64>load<f32>(block) - mean;
      const e = <f64>load<f32>(block, 4) + 40 * d * d;
      store<f64>(BLOCK_ENERGY + (<usize>b << 3), e);
      energy += e;
    }
    put(1, k, energy / (400 * scale * scale));
    const inverseEnergyDen = 1 / (energy + energyEps);
    let entropy: f64 = 0;
    for (let b = 0; b < 10; b += 2) {
      const shares = f64x2.mul(v128.load(BLOCK_ENERGY + (<usize>b << 3)), f64x2.splat(inverseEnergyDen));
      const terms = f64x2.mul(shares, log2Pair(f64x2.add(shares, f64x2.splat(EPS))));
      entropy -= f64x2.extract_lane(terms, 0);
      entropy -= f64x2.extract_lane(terms, 1);
    }
    put(2, k, entropy);

    // bin 0 of this window's spectrum
    const A0 = 400 * Math.abs(precise(k, FRAME_MEAN) - mean);
    const sumA = precise(k, SUM_A) + A0;

    // centroid and spread
    let maxA = single(k, MAX_A);
    if (A0 > maxA) maxA = A0;
    if (maxA == 0) {
      put(3, k, 0);
      put(4, k, 0);
    } else {
      const num = (precise(k, SUM_IND_A) + 40 * A0) / maxA;
      const sumXt = sumA / maxA;
      const den = sumXt + EPS;
      const centroid = num / den;
      const second = (precise(k, SUM_IND2_A) + 1600 * A0) / maxA;
      const spreadSum = second - 2 * centroid * num + centroid * centroid * sumXt;
      put(3, k, centroid / HALF_RATE);
      put(4, k, Math.sqrt(Math.max(0, spreadSum) / den) / HALF_RATE);
    }

    // spectral entropy
    const block0 = A0 * A0 + precise(k, ENTROPY_BLOCK0);
    const squares = block0 + precise(k, ENTROPY_UPPER);
    const totalDen = squares + EPS * sigma;
    const logs = log2Pair(f64x2(block0 > 0 ? block0 : 1, totalDen));
    const bLogB = precise(k, ENTROPY_UPPER_B_LOG_B) + (block0 > 0 ? block0 * f64x2.extract_lane(logs, 0) : 0);
    put(5, k, squares > 0 ? -bLogB / totalDen + (squares / totalDen) * f64x2.extract_lane(logs, 1) : 0);

    // flux against the previous frame of the window
    const u = sumA + fluxEps;
    if (k == 0 && startsWindow) put(6, k, 0);
    else {
      const cross = precise(k, FLUX_CROSS) + A0 * previousA0;
      const flux = squares / (u * u) - (2 * cross) / (u * previousU) + previousSquares / (previousU * previousU);
      put(6, k, flux > 0 ? flux : 0);
    }
    previousA0 = A0;
    previousU = u;
    previousSquares = squares;

    // rolloff from the single-precision cumulative spectrum, as WindowFeatureComputer.rolloff walks it
    store<f64>(BIN0_MAGNITUDES + (<usize>k << 3), A0);
    store<f64>(SQUARES + (<usize>k << 3), squares);
    let rolloff: f64 = 0;
    if (squares != 0) {
      const threshold = 0.9 * squares - A0 * A0 - EPS * sigma;
      if (!(0 > threshold)) {
        let bin = half(k, ROLLOFF_BIN);
        const first = bin - TAIL_VALUES + 1 > 0 ? bin - TAIL_VALUES + 1 : 0;
        // cumulative(1..bin) at single(k, base + bin)
        const base = ROLLOFF_TAIL - first;
        let decided = false;
        if (single(k, base + bin) > threshold) {
          while (bin > 1 && bin > first && single(k, base + bin - 1) > threshold) bin--;
          const above = single(k, base + bin);
          const below = single(k, base + bin - 1);
          if (
            (bin == 1 || bin > first) &&
            above - threshold > SINGLE_PRECISION_MARGIN * above + SINGLE_PRECISION_FLOOR &&
            (bin == 1 || threshold - below > SINGLE_PRECISION_MARGIN * below + SINGLE_PRECISION_FLOOR)
          ) {
            rolloff = <f64>bin / 200;
            decided = true;
          }
        }
        if (!decided) flags |= ROLLOFF_FROM_SAMPLES;
      }
    }
    put(7, k, rolloff);

    // MFCC: the cached DCT of log10 G, shifted for the window's scale, corrected to first order in eps
    if (single(k, MIN_FILTER) * MFCC_SHORTCUT_LIMIT > epsScale) {
      put(8, k, precise(k, LOG_MEL_DCT) - logScale * sqrtFilters + correction * single(k, INVERSE_MEL_DCT));
      for (let c = 1; c < 13; c++) put(8 + c, k, precise(k, LOG_MEL_DCT + c) + correction * single(k, INVERSE_MEL_DCT + c));
    } else flags |= MFCC_FROM_SAMPLES;

    // chroma (scale-free: ratio of energies)
    let chromaMean: f64 = 0;
    const bin0Power = bin0Class >= 0 ? (A0 * A0) / bin0Divisor : 0;
    if (squares == 0) {
      for (let c = 0; c < 12; c++) put(21 + c, k, 0);
    } else {
      const inverseSquares = 1 / squares;
      for (let c = 0; c < 12; c++) {
        let v = single(k, CHROMA + c);
        if (c == bin0Class) v += bin0Power;
        v *= inverseSquares;
        put(21 + c, k, v);
        chromaMean += v;
      }
      chromaMean /= 12;
    }
    let chromaVar: f64 = 0;
    for (let c = 0; c < 12; c++) {
      const d = load<f64>(MATRIX + (<usize>((21 + c) * FRAMES + k) << 3)) - chromaMean;
      chromaVar += d * d;
    }
    put(33, k, Math.sqrt(chromaVar / 12));
    store<u8>(FLAGS + <usize>k, flags);
  }
}
