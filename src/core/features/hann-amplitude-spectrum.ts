/**
 * Amplitude spectrum |X_k|, k = 0 .. N/2 - 1, of one frame of N samples (N a power of two) under a
 * symmetric Hann window, with the precision the extended profile has always used (it was Meyda 5's):
 * window values and amplitudes rounded to float32, the windowed frame and the transform in float64.
 *
 * The real frame is transformed as an N/2-point complex FFT of its even and odd samples
 * (z[n] = x[2n] + i x[2n+1], iterative radix 2), then split into the real spectrum.
 */
export class HannAmplitudeSpectrum {
  readonly bins: number;
  /** |X_k| of the last frame given to compute(), bins 0 .. N/2 - 1 */
  readonly amplitudes: Float32Array;
  private readonly window: Float32Array;
  private readonly bitReversed: Uint32Array;
  /** e^{-2 pi i t / (N/2)}, t = 0 .. N/4 - 1: the complex FFT's twiddles */
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;
  /** e^{-2 pi i k / N}, k = 0 .. N/2 - 1: the split into the real spectrum */
  private readonly splitRe: Float64Array;
  private readonly splitIm: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0)
      throw new RangeError(`frame size ${size} is not a power of two >= 4`);
    const half = size / 2;
    this.bins = half;
    this.amplitudes = new Float32Array(half);
    this.window = Float32Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
    const bits = Math.log2(half);
    this.bitReversed = Uint32Array.from({ length: half }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
    this.twiddleRe = Float64Array.from({ length: half / 2 }, (_, t) => Math.cos((-2 * Math.PI * t) / half));
    this.twiddleIm = Float64Array.from({ length: half / 2 }, (_, t) => Math.sin((-2 * Math.PI * t) / half));
    this.splitRe = Float64Array.from({ length: half }, (_, k) => Math.cos((-2 * Math.PI * k) / size));
    this.splitIm = Float64Array.from({ length: half }, (_, k) => Math.sin((-2 * Math.PI * k) / size));
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
  }

  /** The amplitudes of `frame` (exactly `size` samples); the returned array is reused by the next call. */
  compute(frame: Float32Array): Float32Array {
    if (frame.length !== this.size) throw new RangeError(`frame of ${frame.length} samples, expected ${this.size}`);
    const { re, im, window, bitReversed } = this;
    const half = this.bins;
    for (let n = 0; n < half; n++) {
      const to = bitReversed[n];
      re[to] = frame[2 * n] * window[2 * n];
      im[to] = frame[2 * n + 1] * window[2 * n + 1];
    }
    for (let span = 2; span <= half; span *= 2) {
      const mid = span / 2;
      const stride = half / span;
      for (let start = 0; start < half; start += span) {
        for (let j = 0; j < mid; j++) {
          const wr = this.twiddleRe[j * stride];
          const wi = this.twiddleIm[j * stride];
          const a = start + j;
          const b = a + mid;
          const tr = wr * re[b] - wi * im[b];
          const ti = wr * im[b] + wi * re[b];
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    // X[k] = E[k] + e^{-2 pi i k / N} O[k], with E, O the spectra of the even and odd samples:
    // E[k] = (Z[k] + conj Z[M-k]) / 2, O[k] = (Z[k] - conj Z[M-k]) / 2i, Z[M] = Z[0].
    const out = this.amplitudes;
    for (let k = 0; k < half; k++) {
      const m = k === 0 ? 0 : half - k;
      const evenRe = (re[k] + re[m]) / 2;
      const evenIm = (im[k] - im[m]) / 2;
      const oddRe = (im[k] + im[m]) / 2;
      const oddIm = -(re[k] - re[m]) / 2;
      const xr = evenRe + this.splitRe[k] * oddRe - this.splitIm[k] * oddIm;
      const xi = evenIm + this.splitRe[k] * oddIm + this.splitIm[k] * oddRe;
      out[k] = Math.sqrt(xr * xr + xi * xi);
    }
    return out;
  }
}
