/**
 * Spectral subtraction of a stationary background (fan, hum, hiss, steady room noise): the noise
 * spectrum is the mean power spectrum of the clip's quietest frames (its pauses), and every frame's
 * spectrum keeps only what rises above it. For a studio clip the quietest frames are near silence,
 * so speech passes almost untouched. Works on a whole clip (offline), like speech-only trimming.
 */
export interface SpectralSubtractionOptions {
  /** FFT frame in samples (a power of two); frames overlap by half. */
  frame?: number;
  /** Share of the quietest frames whose spectrum is taken as the noise. */
  quietShare?: number;
  /** Subtract this many times the noise power (> 1 also removes most of the noise's fluctuation). */
  overSubtraction?: number;
  /** Least amplitude gain per bin, so no bin is zeroed (limits "musical" artefacts). */
  floorGain?: number;
}

const DEFAULTS: Required<SpectralSubtractionOptions> = { frame: 512, quietShare: 0.1, overSubtraction: 2, floorGain: 0.1 };

/** Names the rule in feature-cache keys: change it whenever the rule changes. */
export function spectralSubtractionKey(options: SpectralSubtractionOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  return `denoised(frame ${o.frame}, quiet ${o.quietShare}, x${o.overSubtraction}, floor ${o.floorGain})`;
}

export function subtractStationaryNoise(samples: Float32Array, options: SpectralSubtractionOptions = {}): Float32Array {
  const { frame, quietShare, overSubtraction, floorGain } = { ...DEFAULTS, ...options };
  if (frame < 4 || (frame & (frame - 1)) !== 0) throw new Error(`spectral subtraction frame must be a power of two (got ${frame})`);
  const hop = frame / 2;
  if (samples.length < frame) return Float32Array.from(samples);
  // Square-root periodic Hann for analysis and synthesis: the squares overlap-add to exactly 1 at half overlap.
  const window = new Float64Array(frame);
  for (let n = 0; n < frame; n++) window[n] = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * n) / frame));
  // Frames start hop samples before the clip so that every sample is covered by two frames.
  const starts: number[] = [];
  for (let start = -hop; start < samples.length; start += hop) starts.push(start);
  const bins = frame / 2 + 1;
  const spectra = starts.map((start) => {
    const re = new Float64Array(frame);
    const im = new Float64Array(frame);
    for (let n = 0; n < frame; n++) {
      const i = start + n;
      re[n] = i >= 0 && i < samples.length ? samples[i] * window[n] : 0;
    }
    fft(re, im, false);
    return { re, im };
  });
  const power = spectra.map(({ re, im }) => {
    const p = new Float64Array(bins);
    for (let k = 0; k < bins; k++) p[k] = re[k] * re[k] + im[k] * im[k];
    return p;
  });
  // Edge frames are half empty: leave them out of the noise estimate.
  const inner = power.map((p, f) => ({ f, energy: p.reduce((a, b) => a + b, 0) })).filter(({ f }) => f > 0 && f < power.length - 1);
  const candidates = inner.length ? inner : power.map((p, f) => ({ f, energy: p.reduce((a, b) => a + b, 0) }));
  candidates.sort((a, b) => a.energy - b.energy);
  const quiet = candidates.slice(0, Math.max(1, Math.floor(quietShare * candidates.length)));
  const noise = new Float64Array(bins);
  for (const { f } of quiet) for (let k = 0; k < bins; k++) noise[k] += power[f][k] / quiet.length;

  const out = new Float64Array(samples.length);
  const floorPower = floorGain * floorGain;
  spectra.forEach(({ re, im }, f) => {
    for (let k = 0; k < bins; k++) {
      const p = power[f][k];
      const gain = p > 0 ? Math.sqrt(Math.max(1 - (overSubtraction * noise[k]) / p, floorPower)) : 0;
      re[k] *= gain;
      im[k] *= gain;
      if (k > 0 && k < frame / 2) {
        re[frame - k] *= gain;
        im[frame - k] *= gain;
      }
    }
    fft(re, im, true);
    const start = starts[f];
    for (let n = 0; n < frame; n++) {
      const i = start + n;
      if (i >= 0 && i < samples.length) out[i] += re[n] * window[n];
    }
  });
  return Float32Array.from(out);
}

/** In-place iterative radix-2 complex FFT; the inverse is scaled by 1/n. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / size;
    const wRe = Math.cos(angle);
    const wIm = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let cRe = 1;
      let cIm = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tRe = re[b] * cRe - im[b] * cIm;
        const tIm = re[b] * cIm + im[b] * cRe;
        re[b] = re[a] - tRe;
        im[b] = im[a] - tIm;
        re[a] += tRe;
        im[a] += tIm;
        const next = cRe * wRe - cIm * wIm;
        cIm = cRe * wIm + cIm * wRe;
        cRe = next;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] /= n;
      im[i] /= n;
    }
  }
}
