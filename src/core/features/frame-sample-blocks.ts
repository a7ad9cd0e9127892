import { simdFrameSampleBlocks, type SimdFrameSampleBlocks } from './frame-sample-blocks-simd';
import { ENTROPY_BLOCKS } from './pyaudioanalysis-constants';
import { countZeroCrossings, ZeroCrossingCounts } from './zero-crossing-counts';

const BLOCK_LENGTH = 40;
/** frames start every 160 samples: 4 blocks on, so a frame's blocks 4..9 are the next frame's 0..5 */
const BLOCKS_PER_STEP = 4;

/**
 * The time-domain part of a frame's record, per 40-sample block (the energy-entropy block): sum,
 * mean and centred energy, and the zero-crossing counts about a pivot value (zero-crossing-counts.ts).
 * Consecutive frames share 6 of their 10 blocks; the shared blocks are taken over, not recomputed.
 */
export class FrameSampleBlocks {
  readonly sum = new Float64Array(ENTROPY_BLOCKS);
  readonly mean = new Float64Array(ENTROPY_BLOCKS);
  readonly centredEnergy = new Float64Array(ENTROPY_BLOCKS);
  /** sign changes between the block's own 40 samples (39 pairs) */
  readonly crossingsBelow = new Float64Array(ENTROPY_BLOCKS);
  readonly crossingsAbove = new Float64Array(ENTROPY_BLOCKS);
  readonly reach = new Float64Array(ENTROPY_BLOCKS);
  private pivot = NaN;
  private continues = false;
  private readonly counts = new ZeroCrossingCounts();
  /** the 4 new blocks of a frame that follows its predecessor, where WebAssembly SIMD runs (the same bits) */
  private readonly simd: SimdFrameSampleBlocks | null;

  /** `simd: false` runs the JavaScript even where the WebAssembly kernel would (for tests and benchmarks). */
  constructor(options: { simd?: boolean } = {}) {
    this.simd = options.simd === false ? null : simdFrameSampleBlocks();
  }

  /** Whether the WebAssembly SIMD kernel does the common case. */
  get usesSimd(): boolean {
    return this.simd !== null;
  }

  /** The next frame does not follow the last one. */
  resetRun(): void {
    this.continues = false;
  }

  /** Takes over another's blocks, so that the next frame follows its last one. */
  copyFrom(other: FrameSampleBlocks): void {
    this.sum.set(other.sum);
    this.mean.set(other.mean);
    this.centredEnergy.set(other.centredEnergy);
    this.crossingsBelow.set(other.crossingsBelow);
    this.crossingsAbove.set(other.crossingsAbove);
    this.reach.set(other.reach);
    this.pivot = other.pivot;
    this.continues = other.continues;
  }

  /**
   * Blocks of the frame samples[start .. start+400) about `pivot`. Unless resetRun() was called,
   * the previous call's frame must have started 160 samples earlier in the same signal.
   * `knownReach`, unless NaN, is a reach known to hold for every sample of the frame, so not measured.
   */
  update(samples: ArrayLike<number>, start: number, pivot: number, knownReach: number): void {
    let firstNew = 0;
    if (this.continues) {
      firstNew = ENTROPY_BLOCKS - BLOCKS_PER_STEP;
      // element by element: six copyWithin calls cost more than the copying (0.2 us per frame)
      for (let b = 0; b < firstNew; b++) {
        this.sum[b] = this.sum[b + BLOCKS_PER_STEP];
        this.mean[b] = this.mean[b + BLOCKS_PER_STEP];
        this.centredEnergy[b] = this.centredEnergy[b + BLOCKS_PER_STEP];
        this.crossingsBelow[b] = this.crossingsBelow[b + BLOCKS_PER_STEP];
        this.crossingsAbove[b] = this.crossingsAbove[b + BLOCKS_PER_STEP];
        this.reach[b] = this.reach[b + BLOCKS_PER_STEP];
      }
      if (pivot !== this.pivot) {
        for (let b = 0; b < firstNew; b++) this.countCrossings(samples, start + b * BLOCK_LENGTH, b, pivot, knownReach);
      }
    }
    if (
      firstNew === ENTROPY_BLOCKS - BLOCKS_PER_STEP &&
      this.simd !== null &&
      samples instanceof Float32Array &&
      !Number.isNaN(knownReach)
    ) {
      // the common case, a frame after its predecessor in 16-bit audio (the reach known): the kernel's 4 blocks
      this.simd.blocks(samples, start + firstNew * BLOCK_LENGTH, pivot, firstNew, this);
      for (let b = firstNew; b < ENTROPY_BLOCKS; b++) this.reach[b] = knownReach;
    } else {
      for (let b = firstNew; b < ENTROPY_BLOCKS; b++) {
        const from = start + b * BLOCK_LENGTH;
        const sum = this.countCrossings(samples, from, b, pivot, knownReach);
        const mean = sum / BLOCK_LENGTH;
        let centred = 0;
        for (let i = 0; i < BLOCK_LENGTH; i++) {
          const d = samples[from + i] - mean;
          centred += d * d;
        }
        this.sum[b] = sum;
        this.mean[b] = mean;
        this.centredEnergy[b] = centred;
      }
    }
    this.pivot = pivot;
    this.continues = true;
  }

  /** Zero-crossing counts and reach of block b (samples from `from`) about p; returns the block's sum. */
  private countCrossings(samples: ArrayLike<number>, from: number, b: number, p: number, knownReach: number): number {
    const counts = this.counts;
    const sum = countZeroCrossings(samples, from, BLOCK_LENGTH, p, knownReach, counts);
    this.crossingsBelow[b] = counts.below;
    this.crossingsAbove[b] = counts.above;
    this.reach[b] = counts.reach;
    return sum;
  }
}
