/**
 * YIN fundamental-frequency estimation (de Cheveigné & Kawahara, 2002): difference function,
 * cumulative-mean normalisation, absolute threshold, parabolic refinement.
 *
 * Own code because pitchfinder's YIN (the npm choice) has no lower bound on the lag: on real
 * 16 kHz speech that was low-passed by resampling it reports ~6400 Hz (lag 2-3) on most frames,
 * silence included. Here the lag search is limited to the F0 range asked for.
 */
export interface YinOptions {
  sampleRate: number;
  minF0: number;
  maxF0: number;
  /** aperiodicity threshold on the normalised difference (0.1-0.2 typical) */
  threshold: number;
}

export class YinPitchTracker {
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly diff: Float64Array;

  constructor(private readonly options: YinOptions) {
    this.minLag = Math.max(2, Math.floor(options.sampleRate / options.maxF0));
    this.maxLag = Math.ceil(options.sampleRate / options.minF0);
    this.diff = new Float64Array(this.maxLag + 2);
  }

  /** Samples one frame needs: the integration window plus the longest lag. */
  get frameLength(): number {
    return 2 * (this.maxLag + 1);
  }

  /** F0 in Hz of samples[start .. start + frameLength), or 0 when the frame is not periodic enough. */
  estimate(samples: ArrayLike<number>, start: number): number {
    const W = this.maxLag + 1;
    const d = this.diff;
    const last = this.maxLag + 1;
    d[0] = 1;
    let running = 0;
    for (let tau = 1; tau <= last; tau++) {
      let acc = 0;
      for (let i = 0; i < W; i++) {
        const delta = samples[start + i] - samples[start + i + tau];
        acc += delta * delta;
      }
      running += acc;
      d[tau] = running > 0 ? (acc * tau) / running : 1;
    }
    let best = -1;
    for (let tau = this.minLag; tau <= this.maxLag; tau++) {
      if (d[tau] < this.options.threshold) {
        while (tau + 1 <= this.maxLag && d[tau + 1] < d[tau]) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) return 0;
    const a = d[best - 1];
    const b = d[best];
    const c = d[best + 1];
    const denominator = a - 2 * b + c;
    const shift = denominator > 0 ? (0.5 * (a - c)) / denominator : 0;
    const lag = best + Math.max(-1, Math.min(1, shift));
    const f0 = this.options.sampleRate / lag;
    return f0 >= this.options.minF0 && f0 <= this.options.maxF0 ? f0 : 0;
  }
}
