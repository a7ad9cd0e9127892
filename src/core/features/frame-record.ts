import { CHROMA_FEEDING_BINS, CHROMA_FEEDING_CLASS, CHROMA_FEEDING_WEIGHT } from './chroma-map';
import { FrameSampleBlocks } from './frame-sample-blocks';
import { mfccFilterSums } from './mfcc-filter-bins';
import { FoldedMfccScratch, foldedMfccDcts } from './mfcc-folded-dct';
import { simdFrameSpectrum, SPECTRUM_SUM, type SimdFrameSpectrum } from './frame-spectrum-simd';
import { ENTROPY_BLOCKS, FRAME_LENGTH, FRAME_STEP, NUM_BINS, NUM_FILTERS, NUM_MFCC } from './pyaudioanalysis-constants';
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
/** The values a window needs to ~1e-12 relative: each kept as float32 plus a 16-bit correction (FrameRecords.precise). */
export const REC = {
  frameMean: 0,
  sumA: 1,
  sumIndA: 2,
  sumInd2A: 3,
  /** sum of A_k^2 over bins 1..19 (spectral-entropy block 0 without bin 0) */
  entropyBlock0: 4,
  /** sum of A_k^2 over bins 20..199 */
  entropyUpper: 5,
  /** sum over blocks 1..9 of b log2 b, b = block sum of A_k^2 */
  entropyUpperBLogB: 6,
  /** sum over bins 1..199 of A_k times the previous frame's A_k; NaN when there is none */
  fluxCross: 7,
  /** DCT of log10 of the filter-bank outputs G */
  logMelDct: 8, // 13 values
  length: 21,
} as const;

/** 40-sample blocks (the energy-entropy blocks) in a frame, and how many blocks frames are apart */
export const BLOCKS_PER_FRAME = 10;
export const BLOCKS_PER_FRAME_STEP = 4;

/**
 * How many values of a frame's cumulative A^2 are kept, ending at its rolloff bin with A_0 = 0:
 * a window's A_0 mostly lowers the rolloff by a few bins, and a rolloff lower than the values kept
 * is recomputed from the samples (all 200 values would be 800 bytes a frame, 240 KB a 3 s window).
 * On 60 s of RAVDESS speech in 3 s windows every 1 s, 8 values leave 2.3% of the frame-windows to the
 * samples (0.8% of the speech-only ones), 16 values 1.0% (0.3%) for 32 bytes more a frame.
 */
export const ROLLOFF_TAIL = 8;

/**
 * The values of a frame record in single precision, after the float32 parts of the REC values: those
 * single precision holds well beyond what they feed (a first-order correction of ~1e-6 relative); chroma, whose ratios single precision keeps to ~3e-8 relative (the
 * clip vectors' chroma means and stds of 40 RAVDESS clips: 2.7e-8 at worst, against 1e-15 in double
 * precision and the tests' 1e-6); the largest A_k, which only scales a normalisation that cancels but
 * for eps, and the smallest filter output, only compared with thresholds (measured by
 * scripts/measure-record-precision.ts); the zero-crossing pivots (the stream's are on the 16-bit grid;
 * the window code rounds its own before it counts about it) and reaches, rounded down (a shorter reach
 * only serves fewer means).
 */
export const REC32 = {
  /** zero-crossing counts about the pivot p (FrameRecords.zcrPivot) are valid for window means within zcrReach of p */
  zcrPivot: REC.length,
  zcrReach: REC.length + 1,
  /** the same about the last window mean they did not serve, counted from the samples by the window code */
  zcrPivot2: REC.length + 2,
  zcrReach2: REC.length + 3,
  /** DCT of 1 / G: the first-order change of the MFCCs when eps is added to small filter outputs */
  inverseMelDct: REC.length + 4, // 13 values
  /** chroma classes of bins 1..199, before dividing by the total */
  chroma: REC.length + 17, // 12 values
  /** the largest A_k over bins 1..199: it only scales a max-normalisation that cancels but for eps */
  maxA: REC.length + 29,
  /** smallest filter-bank output G (in A units): only compared with thresholds that have wide margins */
  minFilter: REC.length + 30,
  /** the cumulative A^2 over bins 1..k for the ROLLOFF_TAIL bins k ending at the rolloff bin: k = rolloffTailStart(rolloffBin) + i at [rolloffTail + i] */
  rolloffTail: REC.length + 31,
  length: REC.length + 31 + ROLLOFF_TAIL,
} as const;

/** The 16-bit values of a frame record, after the corrections of the REC values: whole numbers below 400. */
export const REC16 = {
  /** zero-crossing counts about FrameRecords.zcrPivot: pairs split by [r >= p] and by [r > p] */
  zcrBelow: REC.length,
  zcrAbove: REC.length + 1,
  /** the same about REC32.zcrPivot2 */
  zcrBelow2: REC.length + 2,
  zcrAbove2: REC.length + 3,
  /** first k >= 1 with cumulative A^2 over bins 1..k > 0.9 * total (the rolloff with A_0 = 0) */
  rolloffBin: REC.length + 4,
  /** e when every sample of the frame lies on a grid of step 2^-e (15 for 16-bit audio), else 0 */
  sampleGridExponent: REC.length + 5,
  length: REC.length + 6,
} as const;

/**
 * A REC value is its float32 rounding hi and a 16-bit correction c, hi (1 + c 2^-38): the rest x - hi is
 * within 2^-24 |hi| for x in float32's normal range, so |c| <= 2^14, and c truncated to a whole number (a
 * Math.round per value cost more than the rest of the encoding) keeps the value to 2^-38 relative (3.6e-12;
 * float32 alone would move features by up to 8 times the tests' tolerance, this by under 1e-3 of it:
 * scripts/measure-record-precision.ts). A value outside that range (the squared spectral sums of speech at 1e20
 * of full scale, say) is marked by the correction EXACT and kept in double precision beside the records.
 */
const CORRECTION_UNIT = 2 ** -38;
const CORRECTION_SCALE = 2 ** 38;
const CORRECTION_LIMIT = 2 ** 14;
const EXACT = -32768;

/**
 * Frame records in slots: the numbers of REC, REC32 and REC16, from which a window finds its own
 * zero-crossing rate, rolloff bin and the rest; and the blocks of the frames.
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
  /** REC32 values of each slot (the first REC.length the float32 parts of the REC values) */
  singles: Float32Array;
  /** REC16 values of each slot (the first REC.length the corrections of the REC values) */
  halves: Int16Array;
  /** REC values outside float32's normal range, at [slot * REC.length + i]; allocated on the first */
  private exact: Float64Array | undefined;
  /** zero-crossing pivots that are not float32 values (the clip path counts about the clip's mean itself), by slot */
  private exactPivots: Float64Array | undefined;
  /** block i of the ring (blockIndex): its mean at [2 i], its energy about that mean at [2 i + 1] (single precision, see FrameRecords) */
  blocks: Float32Array;
  private readonly blockRing: number;

  constructor(
    public slots: number,
    readonly ringSlots = slots + 2,
  ) {
    this.blockRing = ringSlots * BLOCKS_PER_FRAME_STEP;
    this.singles = new Float32Array(slots * REC32.length);
    this.halves = new Int16Array(slots * REC16.length);
    this.blocks = new Float32Array(2 * this.blocksFor(slots));
  }

  /** REC value i of the slot. */
  precise(slot: number, i: number): number {
    return FrameRecords.precise(this, this.singles, this.halves, slot * REC32.length, slot * REC16.length, slot, i);
  }

  /**
   * REC value i of the slot, given the records' arrays and the slot's offsets in them: the window code reads
   * 21 a frame and window, and through a method that loads them its extra time over double precision doubled.
   */
  static precise(
    records: FrameRecords,
    singles: Float32Array,
    halves: Int16Array,
    at32: number,
    at16: number,
    slot: number,
    i: number,
  ): number {
    const c = halves[at16 + i];
    const hi = singles[at32 + i];
    return c === EXACT ? records.exact![slot * REC.length + i] : hi + hi * (c * CORRECTION_UNIT);
  }

  /** Sets REC value i of the slot to x (kept to 2^-38 relative, see CORRECTION_UNIT). */
  setPrecise(slot: number, i: number, x: number): void {
    const hi = Math.fround(x);
    // stored in an Int16Array: truncated toward 0
    const c = ((x - hi) / hi) * CORRECTION_SCALE;
    this.singles[slot * REC32.length + i] = hi;
    const at = slot * REC16.length + i;
    if (c >= -CORRECTION_LIMIT && c <= CORRECTION_LIMIT) this.halves[at] = c;
    else this.setOutsideSingleRange(slot, i, x);
  }

  /** Sets REC values first .. first + count - 1 of the slot to values[first ..] (a loop: the divisions overlap). */
  setPreciseValues(slot: number, values: Float64Array, first: number, count: number): void {
    const singles = this.singles;
    const halves = this.halves;
    const at32 = slot * REC32.length;
    const at16 = slot * REC16.length;
    for (let i = first; i < first + count; i++) {
      const x = values[i];
      const hi = Math.fround(x);
      const c = ((x - hi) / hi) * CORRECTION_SCALE;
      singles[at32 + i] = hi;
      if (c >= -CORRECTION_LIMIT && c <= CORRECTION_LIMIT) halves[at16 + i] = c;
      else this.setOutsideSingleRange(slot, i, x);
    }
  }

  /** setPrecise of a value float32 alone keeps (0, NaN) or whose rest it cannot (beyond float32's normal range). */
  private setOutsideSingleRange(slot: number, i: number, x: number): void {
    const at = slot * REC16.length + i;
    if (x === 0 || x !== x) this.halves[at] = 0;
    else {
      this.halves[at] = EXACT;
      this.exact ??= new Float64Array(this.slots * REC.length);
      this.exact[slot * REC.length + i] = x;
    }
  }

  /** The pivot about which the slot's zero-crossing counts REC16.zcrBelow and zcrAbove were counted. */
  zcrPivot(slot: number): number {
    const p = this.singles[slot * REC32.length + REC32.zcrPivot];
    return p === p ? p : this.exactPivots![slot];
  }

  setZcrPivot(slot: number, p: number): void {
    const single = Math.fround(p);
    if (single === p) this.singles[slot * REC32.length + REC32.zcrPivot] = p;
    else {
      this.singles[slot * REC32.length + REC32.zcrPivot] = NaN;
      this.exactPivots ??= new Float64Array(this.slots);
      this.exactPivots[slot] = p;
    }
  }

  /** Blocks held for `slots` slots: as far as their frames reach, at most the ring's. */
  private blocksFor(slots: number): number {
    return Math.min(this.blockRing, slots * BLOCKS_PER_FRAME_STEP + BLOCKS_PER_FRAME);
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
    const singles = new Float32Array(grown * REC32.length);
    singles.set(this.singles);
    this.singles = singles;
    const halves = new Int16Array(grown * REC16.length);
    halves.set(this.halves);
    this.halves = halves;
    if (this.exact !== undefined) {
      const exact = new Float64Array(grown * REC.length);
      exact.set(this.exact);
      this.exact = exact;
    }
    if (this.exactPivots !== undefined) {
      const pivots = new Float64Array(grown);
      pivots.set(this.exactPivots);
      this.exactPivots = pivots;
    }
    const blocks = new Float32Array(2 * this.blocksFor(grown));
    blocks.set(this.blocks);
    this.blocks = blocks;
    this.slots = grown;
  }

  /**
   * Whether a REC value of the `count` frames in consecutive slots from `slot` on (wrapping at ringSlots) is kept in
   * double precision beside the records (outside float32's range).
   */
  holdsExactValues(slot: number, count: number): boolean {
    if (this.exact === undefined) return false;
    for (let j = 0, s = slot; j < count; j++, s = s + 1 === this.ringSlots ? 0 : s + 1) {
      for (let i = 0, at = s * REC16.length; i < REC.length; i++) if (this.halves[at + i] === EXACT) return true;
    }
    return false;
  }

  /**
   * Copies the records of `count` frames in consecutive slots from `slot` on (wrapping at ringSlots) into `singles`
   * and `halves`, and their blocks (4 a frame, and the last frame's 6 more) into `blocks`, from index 0.
   */
  copyFrames(slot: number, count: number, singles: Float32Array, halves: Int16Array, blocks: Float32Array): void {
    const first = Math.min(count, this.ringSlots - slot);
    singles.set(this.singles.subarray(slot * REC32.length, (slot + first) * REC32.length));
    halves.set(this.halves.subarray(slot * REC16.length, (slot + first) * REC16.length));
    if (first < count) {
      singles.set(this.singles.subarray(0, (count - first) * REC32.length), first * REC32.length);
      halves.set(this.halves.subarray(0, (count - first) * REC16.length), first * REC16.length);
    }
    const from = slot * BLOCKS_PER_FRAME_STEP;
    const total = count * BLOCKS_PER_FRAME_STEP + BLOCKS_PER_FRAME - BLOCKS_PER_FRAME_STEP;
    const firstBlocks = Math.min(total, this.blockRing - from);
    blocks.set(this.blocks.subarray(2 * from, 2 * (from + firstBlocks)));
    if (firstBlocks < total) blocks.set(this.blocks.subarray(0, 2 * (total - firstBlocks)), 2 * firstBlocks);
  }

  get byteLength(): number {
    return (
      this.singles.byteLength +
      this.halves.byteLength +
      (this.exact?.byteLength ?? 0) +
      (this.exactPivots?.byteLength ?? 0) +
      this.blocks.byteLength
    );
  }
}

/** The largest float32 at most x (x > 0): a reach rounded down still holds. */
export function float32AtMost(x: number): number {
  let f = Math.fround(x);
  if (f > x) {
    // the float32 below f is within 2^-23 f of it (one or two steps down)
    f = Math.fround(f * (1 - 2 ** -23));
    if (f > x) f = 0;
  }
  return f;
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
  readonly fft: RealFft400;
  /** the FFT and the spectral stages in WebAssembly SIMD (the same bits), or null where they run in JavaScript */
  readonly spectrum: SimdFrameSpectrum | null;
  /** A_k of the frame being analysed */
  readonly magnitude = new Float64Array(NUM_BINS);
  readonly power = new Float64Array(NUM_BINS);
  readonly cumulative = new Float64Array(NUM_BINS);
  /** power over each entropy block (block 0 from bin 1) */
  readonly blockSums = new Float64Array(ENTROPY_BLOCKS);
  /** the filter-bank outputs G at [1 .. NUM_FILTERS] (mfccFilterSums) */
  readonly filterSums = new Float64Array(NUM_FILTERS + 1);
  readonly filterOutputs = this.filterSums.subarray(1);
  readonly folded = new FoldedMfccScratch();
  readonly chroma = new Float64Array(12);
  /** REC values of the frame being analysed, before they are encoded into the records */
  readonly values = new Float64Array(REC.length);
  /** the energies of the last analysed frame that voice activity needs (not kept in the records) */
  readonly energies: FrameEnergies = { centredEnergy: 0, spectralEnergy: 0, speechBandEnergy: 0 };
  /**
   * What a run carries from one frame to the next, for `holder`'s run: A_k of its last frame (the flux cross term)
   * and that frame's blocks (shared with the next frame). Kept here, not per stream: 2.2 KB a stream otherwise,
   * and an analyser that finds another one holding them computes its last frame's again from its samples.
   */
  readonly lastMagnitude = new Float64Array(NUM_BINS);
  readonly blocks: FrameSampleBlocks;
  holder: FrameAnalyser | undefined;

  /** `simd: false` runs the JavaScript even where the WebAssembly kernels would (for tests and benchmarks). */
  constructor(options: { simd?: boolean } = {}) {
    this.fft = new RealFft400(options);
    this.blocks = new FrameSampleBlocks(options);
    this.spectrum = options.simd === false ? null : simdFrameSpectrum();
  }
}

const PARKED_BYTES = 3584;

/**
 * The analysis of one run of frames (one signal, frames 160 samples apart); one per stream. What the run carries
 * from frame to frame is in the scratch while this analyser holds it (FrameAnalysisScratch.holder).
 */
export class FrameAnalyser {
  /** value about which zero crossings are counted; set it near the means of the windows to come */
  zcrPivot = 0;
  /**
   * Unless NaN: every sample of the frames to come equals zcrPivot or lies at least this far from
   * it, so it is not measured. Set it to the grid step when samples and pivot lie on a grid
   * (1/32768 for 16-bit audio): the window code then also keeps its own counts on that grid
   * (a grid of a power of two: the record keeps its exponent).
   */
  zcrReach = NaN;
  /** REC16.sampleGridExponent for zcrReach = gridStep */
  private gridStep = 0;
  private gridExponent = 0;
  private hasLast = false;
  /**
   * What the run carries, copied out of the scratch (park) for when its last frame's samples are gone before the
   * next frame comes (windows shorter than ~0.07 s); allocated only then.
   */
  private parked: { magnitude: Float64Array; blocks: FrameSampleBlocks } | undefined;

  constructor(private readonly scratch: FrameAnalysisScratch = new FrameAnalysisScratch()) {}

  /**
   * Bytes this analyser holds besides its object: a parked copy's arrays and their objects. `npx tsx
   * scripts/measure-stream-memory.ts --streams 2000 --window 0.025 --hop 0.01 --chunk 10` measured 8.07-8.17 KB a
   * stream, and 4.51-4.61 KB with parking disabled.
   */
  get byteLength(): number {
    return this.parked ? PARKED_BYTES : 0;
  }

  /** The energies of the last analysed frame that voice activity needs (valid until the scratch's next frame). */
  get energies(): FrameEnergies {
    return this.scratch.energies;
  }

  /** Whether the next frame continues a run (its predecessor's samples are needed until it is analysed). */
  get continuesRun(): boolean {
    return this.hasLast;
  }

  /** Forget the previous frame (the next frame starts a new run). */
  resetRun(): void {
    this.hasLast = false;
    this.parked = undefined;
    if (this.scratch.holder === this) this.scratch.holder = undefined;
  }

  /**
   * Keeps what the run carries with this analyser: call it when the samples of its last frame are no longer there
   * (they were dropped before the next frame came), so that hold() need not compute that frame again.
   */
  park(): void {
    if (!this.hasLast || this.scratch.holder !== this) return;
    this.parked ??= { magnitude: new Float64Array(NUM_BINS), blocks: new FrameSampleBlocks() };
    this.parked.magnitude.set(this.scratch.lastMagnitude);
    this.parked.blocks.copyFrom(this.scratch.blocks);
  }

  /**
   * Takes the scratch for this run: when another analyser held it since this one's last frame, that frame (from
   * `start` - 160, its samples unchanged) is computed again, so the next frame continues the run exactly as if
   * no other had come between. Call it while those samples are still there (analyse calls it itself).
   */
  hold(samples: ArrayLike<number>, start: number): void {
    const scratch = this.scratch;
    if (scratch.holder === this) return;
    scratch.holder = this;
    scratch.blocks.resetRun();
    if (!this.hasLast) return;
    const previous = start - FRAME_STEP;
    if (previous < 0) {
      if (!this.parked) throw new RangeError('frame analysis: the previous frame of the run is no longer there');
      scratch.lastMagnitude.set(this.parked.magnitude);
      scratch.blocks.copyFrom(this.parked.blocks);
      return;
    }
    scratch.blocks.update(samples, previous, this.zcrPivot, this.zcrReach);
    const power = scratch.power;
    scratch.fft.powerSpectrum(samples, previous, power);
    const last = scratch.lastMagnitude;
    for (let k = 1; k < NUM_BINS; k++) last[k] = Math.sqrt(power[k]);
  }

  /**
   * Analyse the frame samples[start .. start+400) into slot `slot` of `records`. Unless
   * resetRun() was called, the previous call's frame must have started 160 samples earlier in
   * the same signal: it is this frame's predecessor for the flux, and their shared blocks are reused.
   */
  analyse(samples: ArrayLike<number>, start: number, records: FrameRecords, slot: number): void {
    this.hold(samples, start);
    this.analyseBlocks(samples, start, records, slot);
    const scratch = this.scratch;
    const kernel = scratch.spectrum;
    if (kernel !== null) {
      kernel.analyse(samples, start, this.hasLast ? scratch.lastMagnitude : undefined);
      const sums = kernel.sums;
      this.recordSpectrum(
        records,
        slot,
        sums[SPECTRUM_SUM.sumA],
        sums[SPECTRUM_SUM.sumIndA],
        sums[SPECTRUM_SUM.sumInd2A],
        sums[SPECTRUM_SUM.maxPower],
        sums[SPECTRUM_SUM.cross],
        kernel.blockSums,
        kernel.cumulative,
      );
      const singles = records.singles;
      for (let c = 0, at = slot * REC32.length + REC32.chroma; c < 12; c++) singles[at + c] = kernel.chroma[c];
      if (this.recordMinFilter(sums[SPECTRUM_SUM.minFilter], records, slot)) {
        const G = kernel.filters;
        const logs = kernel.logFilters;
        for (let i = 0; i < NUM_FILTERS; i++) logs[i] = Math.log(G[i]);
        kernel.mfccDcts();
        const values = scratch.values;
        const logDct = kernel.logDct;
        const inverseDct = kernel.inverseDct;
        for (let k = 0, at = slot * REC32.length + REC32.inverseMelDct; k < NUM_MFCC; k++) {
          values[REC.logMelDct + k] = logDct[k] * Math.LOG10E;
          singles[at + k] = inverseDct[k];
        }
        records.setPreciseValues(slot, values, REC.logMelDct, NUM_MFCC);
      }
      scratch.lastMagnitude.set(kernel.magnitude);
    } else {
      const power = scratch.power;
      scratch.fft.powerSpectrum(samples, start, power);
      this.analyseSpectrum(power, records, slot);
      this.analyseChroma(power, records, slot);
      this.analyseMfcc(scratch.magnitude, records, slot);
      scratch.lastMagnitude.set(scratch.magnitude);
    }
    this.hasLast = true;
  }

  // The stages of analyse() below are separate for the benchmark's per-stage times.

  /** Spectral sums of the frame's power spectrum (bin 0 ignored): A_k into the scratch, moments, entropy blocks, flux cross term, rolloff. */
  analyseSpectrum(power: Float64Array, records: FrameRecords, slot: number): void {
    const scratch = this.scratch;
    const A = scratch.magnitude;
    const last = scratch.lastMagnitude;
    const cumulative = scratch.cumulative;
    const blockSums = scratch.blockSums;
    A[0] = 0;
    power[0] = 0; // bin 0 depends on the window's mean: the window code adds it
    cumulative[0] = 0;
    let sumA = 0;
    let sumIndA = 0;
    let sumInd2A = 0;
    let maxPower = 0;
    let cross = 0;
    let running = 0;
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
      blockSums[b] = blockSum;
    }
    this.recordSpectrum(records, slot, sumA, sumIndA, sumInd2A, maxPower, cross, blockSums, cumulative);
  }

  /** The spectral sums into the record (and the energies voice activity needs), from analyseSpectrum or the kernel. */
  private recordSpectrum(
    records: FrameRecords,
    slot: number,
    sumA: number,
    sumIndA: number,
    sumInd2A: number,
    maxPower: number,
    cross: number,
    blockSums: Float64Array,
    cumulative: Float64Array,
  ): void {
    const scratch = this.scratch;
    const block0 = blockSums[0];
    let upper = 0;
    let upperBLogB = 0;
    for (let b = 1; b < ENTROPY_BLOCKS; b++) {
      const blockSum = blockSums[b];
      upper += blockSum;
      if (blockSum > 0) upperBLogB += blockSum * Math.log2(blockSum);
    }
    const values = scratch.values;
    values[REC.sumA] = sumA;
    values[REC.sumIndA] = sumIndA;
    values[REC.sumInd2A] = sumInd2A;
    const singles = records.singles;
    const at = slot * REC32.length;
    singles[at + REC32.maxA] = Math.sqrt(maxPower); // the largest A_k (sqrt is monotonic)
    values[REC.fluxCross] = this.hasLast ? cross : NaN;
    values[REC.entropyBlock0] = block0;
    values[REC.entropyUpper] = upper;
    values[REC.entropyUpperBLogB] = upperBLogB;
    records.setPreciseValues(slot, values, REC.sumA, REC.fluxCross - REC.sumA + 1);
    scratch.energies.spectralEnergy = block0 + upper;
    scratch.energies.speechBandEnergy = cumulative[SPEECH_BAND_LAST_BIN] - cumulative[SPEECH_BAND_FIRST_BIN - 1];
    // rolloff with A_0 = 0 and no eps: the largest bin any window can give
    const rolloffBin = firstAbove(cumulative, 0.9 * (block0 + upper));
    records.halves[slot * REC16.length + REC16.rolloffBin] = rolloffBin;
    for (let i = at + REC32.rolloffTail, k = rolloffTailStart(rolloffBin); k <= rolloffBin; i++, k++) singles[i] = cumulative[k];
  }

  /** Chroma classes of the frame's power spectrum (bin 0 left to the window). */
  analyseChroma(power: Float64Array, records: FrameRecords, slot: number): void {
    const chroma = this.scratch.chroma;
    // loops, not fill() and set(): for 12 values the builtins' calls cost more than the copying
    for (let c = 0; c < 12; c++) chroma[c] = 0;
    for (let i = 0; i < CHROMA_FEEDING_BINS.length; i++) {
      chroma[CHROMA_FEEDING_CLASS[i]] += power[CHROMA_FEEDING_BINS[i]] * CHROMA_FEEDING_WEIGHT[i];
    }
    const singles = records.singles;
    for (let c = 0, at = slot * REC32.length + REC32.chroma; c < 12; c++) singles[at + c] = chroma[c];
  }

  /** The time-domain part: per-block sums and energies, frame mean and energy, zero crossings. */
  analyseBlocks(samples: ArrayLike<number>, start: number, records: FrameRecords, slot: number): void {
    const blocks = this.scratch.blocks;
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
    records.setPrecise(slot, REC.frameMean, frameMean);
    this.scratch.energies.centredEnergy = frameCentred;
    records.setZcrPivot(slot, pivot);
    if (this.zcrReach !== this.gridStep) {
      this.gridStep = this.zcrReach;
      this.gridExponent = gridExponentOf(this.zcrReach);
    }
    const singles = records.singles;
    const at = slot * REC32.length;
    singles[at + REC32.zcrReach] = float32AtMost(reach);
    singles[at + REC32.zcrPivot2] = NaN;
    const halves = records.halves;
    const at16 = slot * REC16.length;
    halves[at16 + REC16.zcrBelow] = below;
    halves[at16 + REC16.zcrAbove] = above;
    halves[at16 + REC16.sampleGridExponent] = this.gridExponent;
  }

  /** Filter-bank outputs G (in A units) and the DCTs of log10 G and of 1 / G. */
  analyseMfcc(A: Float64Array, records: FrameRecords, slot: number): void {
    mfccFilterSums(A, this.scratch.filterSums);
    const G = this.scratch.filterOutputs;
    let minFilter = Infinity;
    for (let i = 0; i < NUM_FILTERS; i++) if (G[i] < minFilter) minFilter = G[i];
    if (!this.recordMinFilter(minFilter, records, slot)) return;
    const values = this.scratch.values;
    foldedMfccDcts(G, this.scratch.folded, values, REC.logMelDct, records.singles, slot * REC32.length + REC32.inverseMelDct);
    records.setPreciseValues(slot, values, REC.logMelDct, NUM_MFCC);
  }

  /** Records the smallest filter output; whether the MFCC DCTs follow (else the window code recomputes the frame from its samples). */
  private recordMinFilter(minFilter: number, records: FrameRecords, slot: number): boolean {
    records.singles[slot * REC32.length + REC32.minFilter] = minFilter;
    return minFilter > 0;
  }
}

/** e for a grid step of 2^-e (e >= 1), else 0 (no grid the record can keep). */
function gridExponentOf(step: number): number {
  if (!(step > 0)) return 0;
  const e = -Math.log2(step);
  return Number.isInteger(e) && e >= 1 && e <= 1074 && 2 ** -e === step ? e : 0;
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
