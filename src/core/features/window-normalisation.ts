import { PEAK_FLOOR } from './pyaudioanalysis-constants';

/** one frame step: windows start on block boundaries; and the fewer the blocks, the fewer the
 * mispredicted minimum/maximum updates (3.0 ns per sample with 40-sample blocks, 2.0 with 160) */
const BLOCK = 160;
export const WINDOW_NORMALISATION_BLOCK = BLOCK;

/**
 * The toolkit's whole-signal normalisation (mean m, scale max|r - m| + 1e-10) of a window buffer,
 * from the sum, minimum and maximum of each 160-sample block, summarised once as the samples
 * arrive rather than once per overlapping window. The sum is the blocks' sums added up: for
 * 16-bit audio (multiples of 1/32768) every partial sum is exact, so it equals a sample-by-sample sum.
 */
export class WindowNormalisation {
  private readonly sum: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** samples of the buffer summarised so far (whole blocks only) */
  private summarised = 0;

  constructor(capacity: number) {
    const blocks = Math.ceil(capacity / BLOCK);
    this.sum = new Float64Array(blocks);
    this.min = new Float64Array(blocks);
    this.max = new Float64Array(blocks);
  }

  get byteLength(): number {
    return this.sum.byteLength * 3;
  }

  /**
   * Summarises the whole blocks of buffer[0 .. length) not yet summarised. Returns false, leaving
   * that block and the rest unsummarised, at a block holding a non-finite sample.
   */
  update(buffer: Float32Array, length: number): boolean {
    for (let b = this.summarised / BLOCK; (b + 1) * BLOCK <= length; b++) {
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = b * BLOCK; i < (b + 1) * BLOCK; i++) {
        const v = buffer[i];
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      // float32 samples cannot add up past the double range: a non-finite sum means a non-finite sample
      if (!Number.isFinite(sum)) return false;
      this.sum[b] = sum;
      this.min[b] = min;
      this.max[b] = max;
      this.summarised += BLOCK;
    }
    return true;
  }

  /** Samples of the buffer summarised, from its start: whole blocks. */
  get summarisedLength(): number {
    return this.summarised;
  }

  /** Forgets the summaries of samples from `length` on (the buffer was not filled past it after all). */
  truncate(length: number): void {
    this.summarised = Math.min(this.summarised, length - (length % BLOCK));
  }

  /** The buffer dropped its first `samples` samples (a multiple of 160) and now holds `length`. */
  shift(samples: number, length: number): void {
    const blocks = samples / BLOCK;
    this.sum.copyWithin(0, blocks);
    this.min.copyWithin(0, blocks);
    this.max.copyWithin(0, blocks);
    this.summarised = Math.max(0, this.summarised - samples);
    this.summarised = Math.min(this.summarised, length - (length % BLOCK));
  }

  /** Mean and scale of buffer[from .. to), `from` a multiple of 160; update() must have seen it. */
  of(buffer: Float32Array, from: number, to: number): { mean: number; scale: number } {
    if (from % BLOCK !== 0) throw new RangeError(`window normalisation: ${from} is not on the ${BLOCK}-sample grid`);
    const whole = Math.floor(to / BLOCK);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let b = from / BLOCK; b < whole; b++) {
      sum += this.sum[b];
      if (this.min[b] < min) min = this.min[b];
      if (this.max[b] > max) max = this.max[b];
    }
    for (let i = Math.max(from, whole * BLOCK); i < to; i++) {
      const v = buffer[i];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / (to - from);
    return { mean, scale: Math.max(max - mean, mean - min) + PEAK_FLOOR };
  }
}
