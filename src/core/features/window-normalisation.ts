import { PEAK_FLOOR } from './pyaudioanalysis-constants';

/** one frame step: windows start on block boundaries; and the fewer the blocks, the fewer the
 * mispredicted minimum/maximum updates (3.0 ns per sample with 40-sample blocks, 2.0 with 160) */
const BLOCK = 160;
export const WINDOW_NORMALISATION_BLOCK = BLOCK;

/** 16-bit audio lies on a grid of 1/32768 */
const PCM_STEP = 1 / 32768;

/**
 * The toolkit's whole-signal normalisation (mean m, scale max|r - m| + 1e-10) of a window buffer,
 * from the sum, minimum and maximum of each 160-sample block, summarised once as the samples
 * arrive rather than once per overlapping window. The sum is the blocks' sums added up: for
 * 16-bit audio (multiples of 1/32768) every partial sum is exact, so it equals a sample-by-sample sum.
 *
 * The summaries are kept in the fewest bytes that hold them exactly: in 1/32768 steps (the sum in 32
 * bits, at most 160 x 32768 steps; minimum and maximum in 16) while every block's are on that grid,
 * as numbers (the sum in double precision, minimum and maximum in single: they are samples of a
 * Float32Array) from the first block whose are not until the buffer drops the last such block.
 * 8 bytes a block instead of 24.
 */
export class WindowNormalisation {
  private sum: Int32Array | Float64Array;
  private min: Int16Array | Float32Array;
  private max: Int16Array | Float32Array;
  /** what one unit of the summaries is: PCM_STEP while they are in 16-bit steps, then 1 */
  private unit = PCM_STEP;
  /** samples of the buffer summarised so far (whole blocks only) */
  private summarised = 0;

  constructor(capacity: number) {
    const blocks = Math.ceil(capacity / BLOCK);
    this.sum = new Int32Array(blocks);
    this.min = new Int16Array(blocks);
    this.max = new Int16Array(blocks);
  }

  get byteLength(): number {
    return this.sum.byteLength + this.min.byteLength + this.max.byteLength;
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
      if (this.unit === PCM_STEP) {
        if (onPcmGrid(sum, min, max)) {
          this.sum[b] = sum * 32768;
          this.min[b] = min * 32768;
          this.max[b] = max * 32768;
          this.summarised += BLOCK;
          continue;
        }
        this.widen();
      }
      this.sum[b] = sum;
      this.min[b] = min;
      this.max[b] = max;
      this.summarised += BLOCK;
    }
    return true;
  }

  /**
   * update() for a buffer of 16-bit samples, by `summarise` (the sums, minima and maxima in 1/32768 steps of `count`
   * blocks from buffer index `from` into the arrays from index `at`): false, doing nothing, unless the summaries are
   * in 16-bit steps (then update() must run).
   */
  updateFromPcm(
    length: number,
    summarise: (from: number, count: number, sums: Int32Array, mins: Int16Array, maxs: Int16Array, at: number) => void,
  ): boolean {
    if (this.unit !== PCM_STEP) return false;
    const first = this.summarised / BLOCK;
    const end = Math.floor(length / BLOCK);
    if (end > first) {
      summarise(first * BLOCK, end - first, this.sum as Int32Array, this.min as Int16Array, this.max as Int16Array, first);
      this.summarised = end * BLOCK;
    }
    return true;
  }

  /** From 16-bit steps to numbers, for a block off the grid. */
  private widen(): void {
    this.sum = Float64Array.from(this.sum, (v) => v * PCM_STEP);
    this.min = Float32Array.from(this.min, (v) => v * PCM_STEP);
    this.max = Float32Array.from(this.max, (v) => v * PCM_STEP);
    this.unit = 1;
  }

  /** Back to 16-bit steps once every block summarised is on the grid again. */
  private narrowIfOnGrid(): void {
    const blocks = this.summarised / BLOCK;
    for (let b = 0; b < blocks; b++) if (!onPcmGrid(this.sum[b], this.min[b], this.max[b])) return;
    this.sum = Int32Array.from(this.sum, (v) => v * 32768);
    this.min = Int16Array.from(this.min, (v) => v * 32768);
    this.max = Int16Array.from(this.max, (v) => v * 32768);
    this.unit = PCM_STEP;
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
    if (this.unit !== PCM_STEP) this.narrowIfOnGrid();
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
    // a power of two: the sum in steps (exact, below 2^53) scales exactly
    sum *= this.unit;
    min *= this.unit;
    max *= this.unit;
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

/** A block's sum, minimum and maximum in 1/32768 steps fit 32, 16 and 16 bits (exactly: the steps are whole). */
function onPcmGrid(sum: number, min: number, max: number): boolean {
  const steps = sum * 32768;
  const low = min * 32768;
  const high = max * 32768;
  return (steps | 0) === steps && (low << 16) >> 16 === low && (high << 16) >> 16 === high;
}
