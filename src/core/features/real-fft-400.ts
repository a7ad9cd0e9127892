/**
 * Real FFT of exactly 400 points (pyAudioAnalysis's 25 ms frame at 16 kHz, no zero padding),
 * returning bins 0..199.
 *
 * Written here rather than taken from npm because no well-kept JavaScript FFT package does a
 * fast non-power-of-two length: fft.js is radix-4 only, kissfft-js/kissfft-wasm are stale
 * Emscripten builds whose call overhead (copying into the wasm heap) exceeds the transform
 * itself at this size. The real input is packed into a 200-point complex FFT
 * (z[n] = x[2n] + i x[2n+1]), done as a Stockham autosort transform with radices 8, 5, 5
 * (natural-order output, no bit reversal), then split into the real spectrum. The first stage
 * reads the samples in place of a packing pass, and the split makes bins k and 200 - k together
 * (X[200-k] = conj(E - W^k O) from the same E and W^k O as X[k]): 1.5x faster than a packing
 * pass and a per-bin split (2.6 -> 1.7 us per frame in npm run bench:features, Node 20).
 */

const N = 400;
const M = 200;
const RADICES = [8, 5, 5] as const;

/** The pieces of one 200-point complex Stockham stage. */
interface Stage {
  radix: number;
  /** transform length before this stage */
  previousLength: number;
  /** number of interleaved sub-sequences after this stage */
  sequences: number;
  /** twiddles w^(q*j) for q = 1..radix-1, j = 0..previousLength-1, laid out [j][q-1] */
  twiddleRe: Float64Array;
  twiddleIm: Float64Array;
}

function buildStages(): Stage[] {
  const stages: Stage[] = [];
  let previousLength = 1;
  for (const radix of RADICES) {
    const length = previousLength * radix;
    const twiddleRe = new Float64Array(previousLength * (radix - 1));
    const twiddleIm = new Float64Array(previousLength * (radix - 1));
    for (let j = 0; j < previousLength; j++) {
      for (let q = 1; q < radix; q++) {
        const angle = (-2 * Math.PI * q * j) / length;
        twiddleRe[j * (radix - 1) + q - 1] = Math.cos(angle);
        twiddleIm[j * (radix - 1) + q - 1] = Math.sin(angle);
      }
    }
    stages.push({ radix, previousLength, sequences: M / length, twiddleRe, twiddleIm });
    previousLength = length;
  }
  return stages;
}

const STAGES = buildStages();
const SQRT1_2 = Math.SQRT1_2;
// 5-point DFT constants
const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

// split twiddles e^{-2 pi i k / 400} for the real-from-complex step
const SPLIT_RE = new Float64Array(M);
const SPLIT_IM = new Float64Array(M);
for (let k = 0; k < M; k++) {
  SPLIT_RE[k] = Math.cos((-2 * Math.PI * k) / N);
  SPLIT_IM[k] = Math.sin((-2 * Math.PI * k) / N);
}

/** Reusable 400-point real FFT; one instance per thread of work (it owns scratch buffers). */
export class RealFft400 {
  static readonly size = N;
  private readonly aRe = new Float64Array(M);
  private readonly aIm = new Float64Array(M);
  private readonly bRe = new Float64Array(M);
  private readonly bIm = new Float64Array(M);

  /** |X_k|^2 of bins 0..199 of the spectrum of `input[offset .. offset+400)` into out (length >= 200). */
  powerSpectrum(input: ArrayLike<number>, offset: number, out: Float64Array): void {
    const zRe = this.aRe;
    const zIm = this.aIm;
    const tRe = this.bRe;
    const tIm = this.bIm;
    firstRadix8(input, offset, tRe, tIm);
    radix5(STAGES[1], tRe, tIm, zRe, zIm);
    radix5(STAGES[2], zRe, zIm, tRe, tIm);
    // tRe/tIm hold Z[k]; X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[M-k]) / 2, O = (Z[k] - conj Z[M-k]) / 2i
    const x0 = tRe[0] + tIm[0];
    out[0] = x0 * x0;
    for (let k = 1; k <= M / 2; k++) {
      const zr = tRe[k];
      const zi = tIm[k];
      const cr = tRe[M - k];
      const ci = -tIm[M - k];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      // (z - c) / 2i = (dr + i di) / 2i = (di - i dr) / 2
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = SPLIT_RE[k];
      const wi = SPLIT_IM[k];
      const pr = wr * or - wi * oi;
      const pi = wr * oi + wi * or;
      const xr = er + pr;
      const xi = ei + pi;
      out[k] = xr * xr + xi * xi;
      if (k < M / 2) {
        const yr = er - pr;
        const yi = ei - pi;
        out[M - k] = yr * yr + yi * yi;
      }
    }
  }

  /** |X_k| of bins 0..199 of `input[offset .. offset+400)` into out (length >= 200). */
  magnitudes(input: ArrayLike<number>, offset: number, out: Float64Array): void {
    this.powerSpectrum(input, offset, out);
    for (let k = 0; k < M; k++) out[k] = Math.sqrt(out[k]);
  }
}

/** The radix-8 first stage (transform length 1 before it: no twiddles), packing z[n] = x[2n] + i x[2n+1] as it reads. */
function firstRadix8(x: ArrayLike<number>, offset: number, yr: Float64Array, yi: Float64Array): void {
  const r = M / 8;
  for (let k = 0; k < r; k++) {
    const base = offset + 2 * k;
    const a0r = x[base];
    const a0i = x[base + 1];
    const a1r = x[base + 2 * r];
    const a1i = x[base + 2 * r + 1];
    const a2r = x[base + 4 * r];
    const a2i = x[base + 4 * r + 1];
    const a3r = x[base + 6 * r];
    const a3i = x[base + 6 * r + 1];
    const a4r = x[base + 8 * r];
    const a4i = x[base + 8 * r + 1];
    const a5r = x[base + 10 * r];
    const a5i = x[base + 10 * r + 1];
    const a6r = x[base + 12 * r];
    const a6i = x[base + 12 * r + 1];
    const a7r = x[base + 14 * r];
    const a7i = x[base + 14 * r + 1];
    const e0r = a0r + a4r, e0i = a0i + a4i, e1r = a0r - a4r, e1i = a0i - a4i;
    const e2r = a2r + a6r, e2i = a2i + a6i, e3r = a2r - a6r, e3i = a2i - a6i;
    const E0r = e0r + e2r, E0i = e0i + e2i, E2r = e0r - e2r, E2i = e0i - e2i;
    const E1r = e1r + e3i, E1i = e1i - e3r, E3r = e1r - e3i, E3i = e1i + e3r;
    const o0r = a1r + a5r, o0i = a1i + a5i, o1r = a1r - a5r, o1i = a1i - a5i;
    const o2r = a3r + a7r, o2i = a3i + a7i, o3r = a3r - a7r, o3i = a3i - a7i;
    const O0r = o0r + o2r, O0i = o0i + o2i, O2r = o0r - o2r, O2i = o0i - o2i;
    const O1r = o1r + o3i, O1i = o1i - o3r, O3r = o1r - o3i, O3i = o1i + o3r;
    const P1r = SQRT1_2 * (O1r + O1i), P1i = SQRT1_2 * (O1i - O1r);
    const P2r = O2i, P2i = -O2r;
    const P3r = SQRT1_2 * (O3i - O3r), P3i = -SQRT1_2 * (O3r + O3i);
    const out = k * 8;
    yr[out] = E0r + O0r; yi[out] = E0i + O0i;
    yr[out + 1] = E1r + P1r; yi[out + 1] = E1i + P1i;
    yr[out + 2] = E2r + P2r; yi[out + 2] = E2i + P2i;
    yr[out + 3] = E3r + P3r; yi[out + 3] = E3i + P3i;
    yr[out + 4] = E0r - O0r; yi[out + 4] = E0i - O0i;
    yr[out + 5] = E1r - P1r; yi[out + 5] = E1i - P1i;
    yr[out + 6] = E2r - P2r; yi[out + 6] = E2i - P2i;
    yr[out + 7] = E3r - P3r; yi[out + 7] = E3i - P3i;
  }
}

function radix5(stage: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const L = stage.previousLength;
  const r = stage.sequences;
  const twr = stage.twiddleRe;
  const twi = stage.twiddleIm;
  const inStride = r * L;
  for (let k = 0; k < r; k++) {
    for (let j = 0; j < L; j++) {
      const base = k * L + j;
      const t = j * 4;
      const a0r = xr[base];
      const a0i = xi[base];
      let a1r = xr[base + inStride];
      let a1i = xi[base + inStride];
      let a2r = xr[base + 2 * inStride];
      let a2i = xi[base + 2 * inStride];
      let a3r = xr[base + 3 * inStride];
      let a3i = xi[base + 3 * inStride];
      let a4r = xr[base + 4 * inStride];
      let a4i = xi[base + 4 * inStride];
      if (j !== 0) {
        let tr: number;
        tr = a1r * twr[t] - a1i * twi[t]; a1i = a1r * twi[t] + a1i * twr[t]; a1r = tr;
        tr = a2r * twr[t + 1] - a2i * twi[t + 1]; a2i = a2r * twi[t + 1] + a2i * twr[t + 1]; a2r = tr;
        tr = a3r * twr[t + 2] - a3i * twi[t + 2]; a3i = a3r * twi[t + 2] + a3i * twr[t + 2]; a3r = tr;
        tr = a4r * twr[t + 3] - a4i * twi[t + 3]; a4i = a4r * twi[t + 3] + a4i * twr[t + 3]; a4r = tr;
      }
      const s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
      const s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
      const m1r = a0r + C1 * s14r + C2 * s23r, m1i = a0i + C1 * s14i + C2 * s23i;
      const m2r = a0r + C2 * s14r + C1 * s23r, m2i = a0i + C2 * s14i + C1 * s23i;
      // -i * (S1 d14 + S2 d23) and -i * (S2 d14 - S1 d23)
      const n1r = S1 * d14i + S2 * d23i, n1i = -(S1 * d14r + S2 * d23r);
      const n2r = S2 * d14i - S1 * d23i, n2i = -(S2 * d14r - S1 * d23r);
      const out = k * L * 5 + j;
      yr[out] = a0r + s14r + s23r; yi[out] = a0i + s14i + s23i;
      yr[out + L] = m1r + n1r; yi[out + L] = m1i + n1i;
      yr[out + 2 * L] = m2r + n2r; yi[out + 2 * L] = m2i + n2i;
      yr[out + 3 * L] = m2r - n2r; yi[out + 3 * L] = m2i - n2i;
      yr[out + 4 * L] = m1r - n1r; yi[out + 4 * L] = m1i - n1i;
    }
  }
}
