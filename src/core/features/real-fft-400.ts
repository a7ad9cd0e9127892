/**
 * Real FFT of exactly 400 points (pyAudioAnalysis's 25 ms frame at 16 kHz, no zero padding),
 * returning the power |X_k|^2 of bins 0..199.
 *
 * Written here rather than taken from npm because no well-kept JavaScript FFT package does a
 * fast non-power-of-two length: fft.js is radix-4 only, kissfft-js/kissfft-wasm are stale
 * Emscripten builds whose call overhead (copying into the wasm heap) exceeds the transform
 * itself at this size.
 *
 * The real input is packed into a 200-point complex DFT (z[n] = x[2n] + i x[2n+1]), read straight
 * from the samples. 200 = 8 * 25 with 8 and 25 coprime, so the prime-factor (Good-Thomas) mapping
 * n = (25 n1 + 8 n2) mod 200, k = (25 k1 + 176 k2) mod 200 splits it into 25 8-point DFTs and 8
 * 25-point DFTs with no twiddle factors between them; each 25-point DFT is 5 x 5 with its own
 * twiddles. The split into the real spectrum makes bins k and 200 - k together
 * (X[200-k] = conj(E - W^k O) from the same E and W^k O as X[k]). Per frame in npm run
 * bench:features (Node 20): 1.9 us with a packing pass, radix 8-5-5 Stockham stages and a per-bin
 * split; 1.34 us reading the samples in the first stage and pairing the split; 1.07 us prime-factor.
 *
 * Where WebAssembly SIMD runs (Node 16.4 and later, unless --jitless), the same algorithm runs there instead
 * (assembly/real-fft-400.ts, real-fft-400-simd.ts): the same bits, about 3x faster per frame (6.87 -> 2.05 us,
 * `npx tsx scripts/bench/frame-record-stages.ts --baseline 8f408c6 --stages fft`, Node 20, x86-64).
 */
import { simdRealFft400, type SimdRealFft400 } from './real-fft-400-simd';

const N = 400;
const M = 200;
const SQRT1_2 = Math.SQRT1_2;
// 5-point DFT constants
const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

/** sample offset (2n) of z[n], n = (25 n1 + 8 n2) mod 200, at [n2 * 8 + n1] */
const INPUT_OFFSET = Int32Array.from({ length: M }, (_, i) => 2 * ((25 * (i % 8) + 8 * Math.floor(i / 8)) % M));
/** bin k = (25 k1 + 176 k2) mod 200 of the 25-point DFT output k2 = l1 + 5 l2 of row k1, at [k1 * 25 + l1 * 5 + l2] */
const OUTPUT_BIN = Int32Array.from({ length: M }, (_, i) => {
  const k1 = Math.floor(i / 25);
  const l1 = Math.floor((i % 25) / 5);
  const l2 = i % 5;
  return (25 * k1 + 176 * (l1 + 5 * l2)) % M;
});
/** W25^(l1 m2) at [l1 * 5 + m2] */
const TWIDDLE25_RE = Float64Array.from({ length: 25 }, (_, i) => Math.cos((-2 * Math.PI * Math.floor(i / 5) * (i % 5)) / 25));
const TWIDDLE25_IM = Float64Array.from({ length: 25 }, (_, i) => Math.sin((-2 * Math.PI * Math.floor(i / 5) * (i % 5)) / 25));
// split twiddles e^{-2 pi i k / 400} for the real-from-complex step
const SPLIT_RE = Float64Array.from({ length: M }, (_, k) => Math.cos((-2 * Math.PI * k) / N));
const SPLIT_IM = Float64Array.from({ length: M }, (_, k) => Math.sin((-2 * Math.PI * k) / N));
/** The tables of the WebAssembly kernels that hold this FFT (real-fft-400-simd.ts, frame-spectrum-simd.ts). */
export const REAL_FFT_400_TABLES = {
  inputPairs: INPUT_OFFSET.map((offset) => offset / 2),
  outputBins: OUTPUT_BIN,
  twiddle25Re: TWIDDLE25_RE,
  twiddle25Im: TWIDDLE25_IM,
  splitRe: SPLIT_RE,
  splitIm: SPLIT_IM,
  fivePoint: [C1, C2, S1, S2] as [number, number, number, number],
};

/** Reusable 400-point real FFT; one instance per thread of work (it owns scratch buffers). */
export class RealFft400 {
  static readonly size = N;
  private readonly simd: SimdRealFft400 | null;
  /** the 8-point DFTs' outputs, row k1 at [k1 * 25 .. k1 * 25 + 25) */
  private readonly rowRe = new Float64Array(M);
  private readonly rowIm = new Float64Array(M);
  /** one 25-point DFT's middle values, [l1 * 5 + m2] */
  private readonly midRe = new Float64Array(25);
  private readonly midIm = new Float64Array(25);
  /** Z[k], the 200-point DFT of z */
  private readonly zRe = new Float64Array(M);
  private readonly zIm = new Float64Array(M);

  /** `simd: false` runs the JavaScript even where the WebAssembly kernel would (for tests and benchmarks). */
  constructor(options: { simd?: boolean } = {}) {
    this.simd = options.simd === false ? null : simdRealFft400(REAL_FFT_400_TABLES);
  }

  /** Whether the WebAssembly SIMD kernel does the work. */
  get usesSimd(): boolean {
    return this.simd !== null;
  }

  /** |X_k|^2 of bins 0..199 of the spectrum of `input[offset .. offset+400)` into out (length >= 200). */
  powerSpectrum(input: ArrayLike<number>, offset: number, out: Float64Array): void {
    if (this.simd !== null) this.simd.powerSpectrum(input, offset, out);
    else this.scalarPowerSpectrum(input, offset, out);
  }

  private scalarPowerSpectrum(input: ArrayLike<number>, offset: number, out: Float64Array): void {
    eightPointDfts(input, offset, this.rowRe, this.rowIm);
    for (let k1 = 0; k1 < 8; k1++) this.twentyFivePointDft(k1);
    const zRe = this.zRe;
    const zIm = this.zIm;
    // X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[M-k]) / 2, O = (Z[k] - conj Z[M-k]) / 2i; with 2E
    // and 2O (exact doublings) 2X comes out, and |X|^2 is a quarter of its power, exactly
    const x0 = zRe[0] + zIm[0];
    out[0] = x0 * x0;
    for (let k = 1; k <= M / 2; k++) {
      const zr = zRe[k];
      const zi = zIm[k];
      const cr = zRe[M - k];
      const ci = -zIm[M - k];
      const er = zr + cr;
      const ei = zi + ci;
      // (z - c) / i = (dr + i di) / i = di - i dr
      const or = zi - ci;
      const oi = cr - zr;
      const wr = SPLIT_RE[k];
      const wi = SPLIT_IM[k];
      const pr = wr * or - wi * oi;
      const pi = wr * oi + wi * or;
      const xr = er + pr;
      const xi = ei + pi;
      out[k] = 0.25 * (xr * xr + xi * xi);
      if (k < M / 2) {
        const yr = er - pr;
        const yi = ei - pi;
        out[M - k] = 0.25 * (yr * yr + yi * yi);
      }
    }
  }

  /** |X_k| of bins 0..199 of `input[offset .. offset+400)` into out (length >= 200). */
  magnitudes(input: ArrayLike<number>, offset: number, out: Float64Array): void {
    this.powerSpectrum(input, offset, out);
    for (let k = 0; k < M; k++) out[k] = Math.sqrt(out[k]);
  }

  /** Row k1's 25-point DFT (5 x 5: n2 = 5 m1 + m2, k2 = l1 + 5 l2) into Z at its prime-factor bins. */
  private twentyFivePointDft(k1: number): void {
    const rowRe = this.rowRe;
    const rowIm = this.rowIm;
    const midRe = this.midRe;
    const midIm = this.midIm;
    const row = k1 * 25;
    // 5-point DFTs over m1 for each m2, times W25^(l1 m2)
    for (let m2 = 0; m2 < 5; m2++) {
      const i = row + m2;
      const a0r = rowRe[i],
        a0i = rowIm[i];
      const a1r = rowRe[i + 5],
        a1i = rowIm[i + 5];
      const a2r = rowRe[i + 10],
        a2i = rowIm[i + 10];
      const a3r = rowRe[i + 15],
        a3i = rowIm[i + 15];
      const a4r = rowRe[i + 20],
        a4i = rowIm[i + 20];
      const s14r = a1r + a4r,
        s14i = a1i + a4i,
        d14r = a1r - a4r,
        d14i = a1i - a4i;
      const s23r = a2r + a3r,
        s23i = a2i + a3i,
        d23r = a2r - a3r,
        d23i = a2i - a3i;
      const m1r = a0r + C1 * s14r + C2 * s23r,
        m1i = a0i + C1 * s14i + C2 * s23i;
      const m2r = a0r + C2 * s14r + C1 * s23r,
        m2i = a0i + C2 * s14i + C1 * s23i;
      // -i * (S1 d14 + S2 d23) and -i * (S2 d14 - S1 d23)
      const n1r = S1 * d14i + S2 * d23i,
        n1i = -(S1 * d14r + S2 * d23r);
      const n2r = S2 * d14i - S1 * d23i,
        n2i = -(S2 * d14r - S1 * d23r);
      midRe[m2] = a0r + s14r + s23r;
      midIm[m2] = a0i + s14i + s23i;
      if (m2 === 0) {
        midRe[5] = m1r + n1r;
        midIm[5] = m1i + n1i;
        midRe[10] = m2r + n2r;
        midIm[10] = m2i + n2i;
        midRe[15] = m2r - n2r;
        midIm[15] = m2i - n2i;
        midRe[20] = m1r - n1r;
        midIm[20] = m1i - n1i;
      } else {
        twiddled(midRe, midIm, 5 + m2, m1r + n1r, m1i + n1i);
        twiddled(midRe, midIm, 10 + m2, m2r + n2r, m2i + n2i);
        twiddled(midRe, midIm, 15 + m2, m2r - n2r, m2i - n2i);
        twiddled(midRe, midIm, 20 + m2, m1r - n1r, m1i - n1i);
      }
    }
    // 5-point DFTs over m2 for each l1, to bins (25 k1 + 176 (l1 + 5 l2)) mod 200
    const zRe = this.zRe;
    const zIm = this.zIm;
    for (let l1 = 0; l1 < 5; l1++) {
      const i = l1 * 5;
      const a0r = midRe[i],
        a0i = midIm[i];
      const a1r = midRe[i + 1],
        a1i = midIm[i + 1];
      const a2r = midRe[i + 2],
        a2i = midIm[i + 2];
      const a3r = midRe[i + 3],
        a3i = midIm[i + 3];
      const a4r = midRe[i + 4],
        a4i = midIm[i + 4];
      const s14r = a1r + a4r,
        s14i = a1i + a4i,
        d14r = a1r - a4r,
        d14i = a1i - a4i;
      const s23r = a2r + a3r,
        s23i = a2i + a3i,
        d23r = a2r - a3r,
        d23i = a2i - a3i;
      const m1r = a0r + C1 * s14r + C2 * s23r,
        m1i = a0i + C1 * s14i + C2 * s23i;
      const m2r = a0r + C2 * s14r + C1 * s23r,
        m2i = a0i + C2 * s14i + C1 * s23i;
      const n1r = S1 * d14i + S2 * d23i,
        n1i = -(S1 * d14r + S2 * d23r);
      const n2r = S2 * d14i - S1 * d23i,
        n2i = -(S2 * d14r - S1 * d23r);
      const bins = row + i;
      let k = OUTPUT_BIN[bins];
      zRe[k] = a0r + s14r + s23r;
      zIm[k] = a0i + s14i + s23i;
      k = OUTPUT_BIN[bins + 1];
      zRe[k] = m1r + n1r;
      zIm[k] = m1i + n1i;
      k = OUTPUT_BIN[bins + 2];
      zRe[k] = m2r + n2r;
      zIm[k] = m2i + n2i;
      k = OUTPUT_BIN[bins + 3];
      zRe[k] = m2r - n2r;
      zIm[k] = m2i - n2i;
      k = OUTPUT_BIN[bins + 4];
      zRe[k] = m1r - n1r;
      zIm[k] = m1i - n1i;
    }
  }
}

/** Stores (re + i im) * W25^(l1 m2) at index = l1 * 5 + m2 of the middle values. */
function twiddled(midRe: Float64Array, midIm: Float64Array, index: number, re: number, im: number): void {
  const wr = TWIDDLE25_RE[index];
  const wi = TWIDDLE25_IM[index];
  midRe[index] = re * wr - im * wi;
  midIm[index] = re * wi + im * wr;
}

/** For each n2, the 8-point DFT over n1 of z[(25 n1 + 8 n2) mod 200] into row k1 at [k1 * 25 + n2]. */
function eightPointDfts(x: ArrayLike<number>, offset: number, yr: Float64Array, yi: Float64Array): void {
  for (let n2 = 0; n2 < 25; n2++) {
    const map = n2 * 8;
    let p = offset + INPUT_OFFSET[map];
    const a0r = x[p],
      a0i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 1];
    const a1r = x[p],
      a1i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 2];
    const a2r = x[p],
      a2i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 3];
    const a3r = x[p],
      a3i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 4];
    const a4r = x[p],
      a4i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 5];
    const a5r = x[p],
      a5i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 6];
    const a6r = x[p],
      a6i = x[p + 1];
    p = offset + INPUT_OFFSET[map + 7];
    const a7r = x[p],
      a7i = x[p + 1];
    // two 4-point DFTs (even/odd) and a final radix-2 combine
    const e0r = a0r + a4r,
      e0i = a0i + a4i,
      e1r = a0r - a4r,
      e1i = a0i - a4i;
    const e2r = a2r + a6r,
      e2i = a2i + a6i,
      e3r = a2r - a6r,
      e3i = a2i - a6i;
    const E0r = e0r + e2r,
      E0i = e0i + e2i,
      E2r = e0r - e2r,
      E2i = e0i - e2i;
    const E1r = e1r + e3i,
      E1i = e1i - e3r,
      E3r = e1r - e3i,
      E3i = e1i + e3r;
    const o0r = a1r + a5r,
      o0i = a1i + a5i,
      o1r = a1r - a5r,
      o1i = a1i - a5i;
    const o2r = a3r + a7r,
      o2i = a3i + a7i,
      o3r = a3r - a7r,
      o3i = a3i - a7i;
    const O0r = o0r + o2r,
      O0i = o0i + o2i,
      O2r = o0r - o2r,
      O2i = o0i - o2i;
    const O1r = o1r + o3i,
      O1i = o1i - o3r,
      O3r = o1r - o3i,
      O3i = o1i + o3r;
    // twiddles w8^1 = (1 - i)/sqrt2, w8^2 = -i, w8^3 = -(1 + i)/sqrt2
    const P1r = SQRT1_2 * (O1r + O1i),
      P1i = SQRT1_2 * (O1i - O1r);
    const P2r = O2i,
      P2i = -O2r;
    const P3r = SQRT1_2 * (O3i - O3r),
      P3i = -SQRT1_2 * (O3r + O3i);
    yr[n2] = E0r + O0r;
    yi[n2] = E0i + O0i;
    yr[25 + n2] = E1r + P1r;
    yi[25 + n2] = E1i + P1i;
    yr[50 + n2] = E2r + P2r;
    yi[50 + n2] = E2i + P2i;
    yr[75 + n2] = E3r + P3r;
    yi[75 + n2] = E3i + P3i;
    yr[100 + n2] = E0r - O0r;
    yi[100 + n2] = E0i - O0i;
    yr[125 + n2] = E1r - P1r;
    yi[125 + n2] = E1i - P1i;
    yr[150 + n2] = E2r - P2r;
    yi[150 + n2] = E2i - P2i;
    yr[175 + n2] = E3r - P3r;
    yi[175 + n2] = E3i - P3i;
  }
}
