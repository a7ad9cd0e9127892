import { CHROMA_FEEDING_BINS, CHROMA_FEEDING_CLASS, CHROMA_FEEDING_WEIGHT } from './chroma-map';
import { FrameSampleBlocks } from './frame-sample-blocks';
import { mfccFilterSums } from './mfcc-filter-bins';
import { FoldedMfccScratch, foldedMfccDcts } from './mfcc-folded-dct';
import { ENTROPY_BLOCKS, FRAME_LENGTH, NUM_BINS, NUM_FILTERS } from './pyaudioanalysis-constants';
import { RealFft400 } from './real-fft-400';
import type { FrameEnergies } from './voice-activity';

/**
 * What one 400-sample frame contributes to the toolkit's features in every window (clip) it lies
 * in, computed once from the raw samples r and reused across overlapping windows.
 *
 * A window normalises y = (r - m) / s with its own mean m and scale s. Its FFT is
 * (FFT(r) - 400 m δ_k0) / s: only bin 0 depends on m, and s only rescales. So the record keeps
 * sums over bins 1..199 of A_k = |FFT(r)_k| (centroid moments, entropy blocks, chroma classes,
 * the cross term of the flux with the previous frame, log filter-bank outputs and their DCT) and
 * per 40-sample block the mean and centred energy (FrameRecords.blocks: frames 160 samples apart
 * share 6 of their 10 blocks, so each block is kept once; energy, energy entropy and bin 0
 * A_0 = 400 |mean(r) - m| follow for any m). The toolkit's eps terms do not scale; they are
 * carried exactly where they matter, and where a shortcut would not be exact (a log of a
 * filter output near eps, a zero-crossing pattern that m changes, a rolloff too close to call
 * from the single-precision cumulative spectrum) the window code recomputes from the samples.
 */
export const REC = {
  /** zero-crossing counts about the pivot p (zero-crossing-counts.ts): valid for window means within zcrReach of p (counts in REC32) */
  zcrPivot: 0,
  zcrReach: 1,
  /** the same about the last window mean they did not serve, counted from the samples by the window code */
  zcrPivot2: 2,
  zcrReach2: 3,
  frameMean: 4,
  sumA: 5,
  sumIndA: 6,
  sumInd2A: 7,
  /** sum of A_k^2 over bins 1..19 (spectral-entropy block 0 without bin 0) */
  entropyBlock0: 8,
  /** sum of A_k^2 over bins 20..199 */
  entropyUpper: 9,
  /** sum over blocks 1..9 of b log2 b, b = block sum of A_k^2 */
  entropyUpperBLogB: 10,
  /** sum over bins 1..199 of A_k times the previous frame's A_k; NaN when there is none */
  fluxCross: 11,
  /** DCT of log10 of the filter-bank outputs G */
  logMelDct: 12, // 13 values
  length: 25,
} as const;

/** 40-sample blocks (the energy-entropy blocks) in a frame, and how many blocks frames are apart */
export const BLOCKS_PER_FRAME = 10;
export const BLOCKS_PER_FRAME_STEP = 4;

/**
 * The values of a frame record that single precision holds exactly (small whole numbers, the grid
 * step) or well beyond what they feed (a first-order correction of ~1e-6 relative): half the bytes of
 * the double-precision ones; and chroma, whose ratios single precision keeps to ~3e-8 relative (the
 * clip vectors' chroma means and stds of 40 RAVDESS clips: 2.7e-8 at worst, against 1e-15 in double
 * precision and the tests' 1e-6). The MFCCs' DCT of log10 G is not among them: c0's window std
 * moved by 1.5 times the tests' tolerance. The largest A_k and the smallest filter output are here
 * too: the first only scales a normalisation that cancels but for eps (2e-9 of the tolerance at
 * worst), the second is only compared with thresholds (measured by scripts/measure-record-precision.ts).
 */
export const REC32 = {
  /** zero-crossing counts about REC.zcrPivot: pairs split by [r >= p] and by [r > p] */
  zcrBelow: 0,
  zcrAbove: 1,
  /** the same about REC.zcrPivot2 */
  zcrBelow2: 2,
  zcrAbove2: 3,
  /** first k >= 1 with cumulative A^2 over bins 1..k > 0.9 * total (the rolloff with A_0 = 0) */
  rolloffBin: 4,
  /** the step of a grid every sample of the frame lies on (1/32768 for 16-bit audio), or 0 */
  sampleGridStep: 5,
  /** DCT of 1 / G: the first-order change of the MFCCs when eps is added to small filter outputs */
  inverseMelDct: 6, // 13 values
  /** chroma classes of bins 1..199, before dividing by the total */
  chroma: 19, // 12 values
  /** the largest A_k over bins 1..199: it only scales a max-normalisation that cancels but for eps */
  maxA: 31,
  /** smallest filter-bank output G (in A units): only compared with thresholds that have wide margins */
  minFilter: 32,
  length: 33,
} as const;

/**
 * How many values of a frame's cumulative A^2 are kept, ending at its rolloff bin with A_0 = 0:
 * a window's A_0 mostly lowers the rolloff by a few bins, and a rolloff lower than the values kept
 * is recomputed from the samples (all 200 values would be 800 bytes a frame, 240 KB a 3 s window).
 * On 60 s of RAVDESS speech in 3 s windows every 1 s, 8 values leave 2.3% of the frame-windows to the
 * samples (0.8% of the speech-only ones), 16 values 1.0% (0.3%) for 32 bytes more a frame.
 */
export const ROLLOFF_TAIL = 8;

/**
 * Frame records in slots: the numbers of REC and REC32, and each frame's cumulative A^2 over bins 1..k
 * (0 at k = 0) in single precision for the ROLLOFF_TAIL bins k ending at its rolloff bin, from
 * which a window finds its own rolloff bin; and the blocks of the frames.
 *
 * The slots are a ring of `ringSlots`: the frame in slot s + 1 (mod ringSlots) follows the frame in
 * slot s by 160 samples, so block b of slot s is block b - 4 of slot s + 1, and the blocks are a ring
 * of 4 ringSlots. The blocks are in single precision: it moves no feature by more than 0.06 of
 * the tests' tolerance, per frame or per clip vector (scripts/measure-record-precision.ts), and
 * halves the blocks' bytes. Frames used together must lie in ringSlots - 2 consecutive slots (their last
 * frame's blocks reach 6 blocks past its slot's 4). `slots` can grow (ensureSlots) up to ringSlots,
 * keeping the first ones.
 */
export class FrameRecords {
  values: Float64Array;
  /** the REC32 values of each slot */
  small: Float32Array;
  /** slot s holds k = max(0, rolloffBin - ROLLOFF_TAIL + 1) + i at [s * ROLLOFF_TAIL + i] */
  rolloffTail: Float32Array;
  /** block i of the ring (blockIndex): its mean at [2 i], its energy about that mean at [2 i + 1] (single precision, see FrameRecords) */
  blocks: Float32Array;
  private readonly blockRing: number;

  constructor(
    public slots: number,
    readonly ringSlots = slots + 2,
  ) {
    this.blockRing = ringSlots * BLOCKS_PER_FRAME_STEP;
    this.values = new Float64Array(slots * REC.length);
    this.small = new Float32Array(slots * REC32.length);
    this.rolloffTail = new Float32Array(slots * ROLLOFF_TAIL);
    this.blocks = new Float32Array(2 * this.blocksFor(slots));
  }

  /** Blocks held for `slots` slots: all the ring's once the slots are, else as far as their frames reach. */
  private blocksFor(slots: number): number {
    return slots >= this.ringSlots ? this.blockRing : slots * BLOCKS_PER_FRAME_STEP + BLOCKS_PER_FRAME;
  }

  /** Index in the block ring of block b (0..9) of the frame in slot `slot`. */
  blockIndex(slot: number, b: number): number {
    const i = slot * BLOCKS_PER_FRAME_STEP + b;
    return i >= this.blockRing ? i - this.blockRing : i;
  }

  /** Grows to at least `slots` slots (to ringSlots at most), keeping the slots there are. */
  ensureSlots(slots: number): void {
    if (slots <= this.slots) return;
    const grown = Math.min(this.ringSlots, Math.max(slots, this.slots * 2));
    const values = new Float64Array(grown * REC.length);
    values.set(this.values);
    const small = new Float32Array(grown * REC32.length);
    small.set(this.small);
    this.small = small;
    const tail = new Float32Array(grown * ROLLOFF_TAIL);
    tail.set(this.rolloffTail);
    const blocks = new Float32Array(2 * this.blocksFor(grown));
    blocks.set(this.blocks);
    this.values = values;
    this.rolloffTail = tail;
    this.blocks = blocks;
    this.slots = grown;
  }

  get byteLength(): number {
    return this.values.byteLength + this.small.byteLength + this.rolloffTail.byteLength + this.blocks.byteLength;
  }
}

/** First bin kept in a frame's rolloff tail, for its rolloff bin with A_0 = 0. */
export function rolloffTailStart(rolloffBin: number): number {
  return Math.max(0, rolloffBin - ROLLOFF_TAIL + 1);
}

/** bins 250 Hz .. 4 kHz: where speech energy lies, not mains hum or hiss */
const SPEECH_BAND_FIRST_BIN = Math.ceil(250 / 40);
const SPEECH_BAND_LAST_BIN = 4000 / 40;
const BINS_PER_ENTROPY_BLOCK = NUM_BINS / ENTROPY_BLOCKS;

const BIN_INDEX_HZ = (() => {
  const ind = new Float64Array(NUM_BINS);
  for (let k = 0; k < NUM_BINS; k++) ind[k] = (k + 1) * 40;
  return ind;
})();
export { BIN_INDEX_HZ };

/**
 * Work arrays of frame analysis, used only inside FrameAnalyser.analyse: analysers that never
 * run at the same time (the streams of one registry) can share one.
 */
export class FrameAnalysisScratch {
  readonly fft = new RealFft400();
  /** A_k of the frame being analysed */
  readonly magnitude = new Float64Array(NUM_BINS);
  readonly power = new Float64Array(NUM_BINS);
  readonly cumulative = new Float64Array(NUM_BINS);
  /** the filter-bank outputs G at [1 .. NUM_FILTERS] (mfccFilterSums) */
  readonly filterSums = new Float64Array(NUM_FILTERS + 1);
  readonly filterOutputs = this.filterSums.subarray(1);
  readonly folded = new FoldedMfccScratch();
  readonly chroma = new Float64Array(12);
}

/** The analysis of one run of frames (one signal, frames 160 samples apart); one per stream. */
export class FrameAnalyser {
  /** value about which zero crossings are counted; set it near the means of the windows to come */
  zcrPivot = 0;
  /**
   * Unless NaN: every sample of the frames to come equals zcrPivot or lies at least this far from
   * it, so it is not measured. Set it to the grid step when samples and pivot lie on a grid
   * (1/32768 for 16-bit audio): the window code then also keeps its own counts on that grid.
   */
  zcrReach = NaN;
  /** the energies of the last analysed frame that voice activity needs (not kept in the records) */
  readonly energies: FrameEnergies = { centredEnergy: 0, spectralEnergy: 0, speechBandEnergy: 0 };
  /** A_k of the last analysed frame (for the flux cross term) */
  private readonly lastMagnitude = new Float64Array(NUM_BINS);
  private readonly blocks = new FrameSampleBlocks();
  private hasLast = false;

  constructor(private readonly scratch: FrameAnalysisScratch = new FrameAnalysisScratch()) {}

  /** Forget the previous frame (the next frame starts a new run). */
  resetRun(): void {
    this.hasLast = false;
    this.blocks.resetRun();
  }

  /**
   * Analyse the frame samples[start .. start+400) into slot `slot` of `records`. Unless
   * resetRun() was called, the previous call's frame must have started 160 samples earlier in
   * the same signal: it is this frame's predecessor for the flux, and their shared blocks are reused.
   */
  analyse(samples: ArrayLike<number>, start: number, records: FrameRecords, slot: number): void {
    this.analyseBlocks(samples, start, records, slot);
    const power = this.scratch.power;
    this.scratch.fft.powerSpectrum(samples, start, power);
    this.analyseSpectrum(power, records, slot);
    this.analyseChroma(power, records, slot);
    this.analyseMfcc(this.scratch.magnitude, records, slot);
    this.lastMagnitude.set(this.scratch.magnitude);
    this.hasLast = true;
  }

  // The stages of analyse() below are separate for the benchmark's per-stage times.

  /** Spectral sums of the frame's power spectrum (bin 0 ignored): A_k into the scratch, moments, entropy blocks, flux cross term, rolloff. */
  analyseSpectrum(power: Float64Array, records: FrameRecords, slot: number): void {
    const rec = records.values;
    const offset = slot * REC.length;
    const scratch = this.scratch;
    const A = scratch.magnitude;
    const last = this.lastMagnitude;
    const cumulative = scratch.cumulative;
    A[0] = 0;
    power[0] = 0; // bin 0 depends on the window's mean: the window code adds it
    cumulative[0] = 0;
    let sumA = 0;
    let sumIndA = 0;
    let sumInd2A = 0;
    let maxPower = 0;
    let cross = 0;
    let running = 0;
    let block0 = 0;
    let upper = 0;
    let upperBLogB = 0;
    for (let b = 0, k = 1; b < ENTROPY_BLOCKS; b++) {
      let blockSum = 0;
      for (const end = (b + 1) * BINS_PER_ENTROPY_BLOCK; k < end; k++) {
        const p = power[k];
        const a = Math.sqrt(p);
        A[k] = a;
        const ind = BIN_INDEX_HZ[k];
        sumA += a;
        sumIndA += ind * a;
        sumInd2A += ind * ind * a;
        if (p > maxPower) maxPower = p;
        cross += a * last[k];
        blockSum += p;
        running += p;
        cumulative[k] = running;
      }
      if (b === 0) block0 = blockSum;
      else {
        upper += blockSum;
        if (blockSum > 0) upperBLogB += blockSum * Math.log2(blockSum);
      }
    }
    rec[offset + REC.sumA] = sumA;
    rec[offset + REC.sumIndA] = sumIndA;
    rec[offset + REC.sumInd2A] = sumInd2A;
    records.small[slot * REC32.length + REC32.maxA] = Math.sqrt(maxPower); // the largest A_k (sqrt is monotonic)
    rec[offset + REC.fluxCross] = this.hasLast ? cross : NaN;
    rec[offset + REC.entropyBlock0] = block0;
    rec[offset + REC.entropyUpper] = upper;
    rec[offset + REC.entropyUpperBLogB] = upperBLogB;
    this.energies.spectralEnergy = block0 + upper;
    this.energies.speechBandEnergy = cumulative[SPEECH_BAND_LAST_BIN] - cumulative[SPEECH_BAND_FIRST_BIN - 1];

    // rolloff with A_0 = 0 and no eps: the largest bin any window can give
    const rolloffBin = firstAbove(cumulative, 0.9 * (block0 + upper));
    records.small[slot * REC32.length + REC32.rolloffBin] = rolloffBin;
    const tailStart = rolloffTailStart(rolloffBin);
    const tail = records.rolloffTail;
    for (let i = 0, at = slot * ROLLOFF_TAIL, k = tailStart; k <= rolloffBin; i++, k++) tail[at + i] = cumulative[k];
  }

  /** Chroma classes of the frame's power spectrum (bin 0 left to the window). */
  analyseChroma(power: Float64Array, records: FrameRecords, slot: number): void {
    const chroma = this.scratch.chroma;
    // loops, not fill() and set(): for 12 values the builtins' calls cost more than the copying
    for (let c = 0; c < 12; c++) chroma[c] = 0;
    for (let i = 0; i < CHROMA_FEEDING_BINS.length; i++) {
      chroma[CHROMA_FEEDING_CLASS[i]] += power[CHROMA_FEEDING_BINS[i]] * CHROMA_FEEDING_WEIGHT[i];
    }
    const small = records.small;
    for (let c = 0, at = slot * REC32.length + REC32.chroma; c < 12; c++) small[at + c] = chroma[c];
  }

  /** The time-domain part: per-block sums and energies, frame mean and energy, zero crossings. */
  analyseBlocks(samples: ArrayLike<number>, start: number, records: FrameRecords, slot: number): void {
    const rec = records.values;
    const offset = slot * REC.length;
    const small = records.small;
    const smallOffset = slot * REC32.length;
    const blocks = this.blocks;
    const pivot = this.zcrPivot;
    blocks.update(samples, start, pivot, this.zcrReach);
    let frameSum = 0;
    let below = 0;
    let above = 0;
    let reach = Infinity;
    const blockData = records.blocks;
    for (let b = 0; b < ENTROPY_BLOCKS; b++) {
      const i = 2 * records.blockIndex(slot, b);
      blockData[i] = blocks.mean[b];
      blockData[i + 1] = blocks.centredEnergy[b];
      frameSum += blocks.sum[b];
      below += blocks.crossingsBelow[b];
      above += blocks.crossingsAbove[b];
      if (blocks.reach[b] < reach) reach = blocks.reach[b];
    }
    // the pairs that straddle two blocks
    for (let i = start + 40; i < start + FRAME_LENGTH; i += 40) {
      const before = samples[i - 1] - pivot;
      const after = samples[i] - pivot;
      below += +(before >= 0) ^ +(after >= 0);
      above += +(before > 0) ^ +(after > 0);
    }
    const frameMean = frameSum / FRAME_LENGTH;
    let frameCentred = 0;
    for (let b = 0; b < ENTROPY_BLOCKS; b++) {
      const d = blocks.mean[b] - frameMean;
      frameCentred += blocks.centredEnergy[b] + 40 * d * d;
    }
    rec[offset + REC.frameMean] = frameMean;
    this.energies.centredEnergy = frameCentred;
    rec[offset + REC.zcrPivot] = pivot;
    rec[offset + REC.zcrReach] = reach;
    small[smallOffset + REC32.zcrBelow] = below;
    small[smallOffset + REC32.zcrAbove] = above;
    rec[offset + REC.zcrPivot2] = NaN;
    small[smallOffset + REC32.sampleGridStep] = this.zcrReach > 0 ? this.zcrReach : 0;
  }

  /** Filter-bank outputs G (in A units) and the DCTs of log10 G and of 1 / G. */
  analyseMfcc(A: Float64Array, records: FrameRecords, slot: number): void {
    const rec = records.values;
    const offset = slot * REC.length;
    mfccFilterSums(A, this.scratch.filterSums);
    const G = this.scratch.filterOutputs;
    let minFilter = Infinity;
    for (let i = 0; i < NUM_FILTERS; i++) if (G[i] < minFilter) minFilter = G[i];
    records.small[slot * REC32.length + REC32.minFilter] = minFilter;
    if (!(minFilter > 0)) return; // the window code recomputes these frames from the samples
    foldedMfccDcts(G, this.scratch.folded, rec, offset + REC.logMelDct, records.small, slot * REC32.length + REC32.inverseMelDct);
  }
}

/** First k >= 1 with cumulative[k] > target (cumulative non-decreasing), or NUM_BINS - 1 if none. */
function firstAbove(cumulative: Float64Array, target: number): number {
  if (!(cumulative[NUM_BINS - 1] > target)) return NUM_BINS - 1;
  let low = 1;
  let high = NUM_BINS - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid] > target) high = mid;
    else low = mid + 1;
  }
  return low;
}
