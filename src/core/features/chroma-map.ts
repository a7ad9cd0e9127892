import { NUM_BINS, SAMPLE_RATE } from './pyaudioanalysis-constants';

/**
 * The toolkit's chroma mapping of the 200 spectrum bins (chroma_features_init / chroma_features).
 *
 * Bin b (at (b+1)*40 Hz) has semitone semi[b] = round(12 log2(f / 27.5)). The toolkit writes
 * `C[semi] = X^2` so the LAST bin of a semitone overwrites the others (an assignment, not a sum),
 * then divides position j of C by the bin count of the semitone of bin j — `num_freqs_per_chroma`
 * indexed by `num_chroma`, a bin-indexed table looked up with semitone numbers. Both quirks are
 * kept. Chroma class i sums the positions j = i (mod 12).
 */
export interface ChromaMap {
  /** for each bin: the chroma class it feeds (0..11), or -1 when a later bin overwrites it */
  classOfBin: Int8Array;
  /** for each bin: the divisor applied to its energy */
  divisorOfBin: Float64Array;
}

function buildChromaMap(): ChromaMap {
  const semitone = new Int32Array(NUM_BINS);
  for (let b = 0; b < NUM_BINS; b++) {
    const freq = ((b + 1) * SAMPLE_RATE) / (2 * NUM_BINS);
    // numpy rounds half to even; no bin lands exactly on .5 here, Math.round is equivalent
    semitone[b] = Math.round(12 * Math.log2(freq / 27.5));
  }
  const binsPerSemitoneOfBin = new Float64Array(NUM_BINS);
  for (let b = 0; b < NUM_BINS; b++) {
    let count = 0;
    for (let c = 0; c < NUM_BINS; c++) if (semitone[c] === semitone[b]) count++;
    binsPerSemitoneOfBin[b] = count;
  }
  const classOfBin = new Int8Array(NUM_BINS).fill(-1);
  const divisorOfBin = new Float64Array(NUM_BINS).fill(1);
  let maxSemitone = 0;
  for (let b = 0; b < NUM_BINS; b++) maxSemitone = Math.max(maxSemitone, semitone[b]);
  if (maxSemitone >= NUM_BINS) throw new Error('chroma map: semitone beyond the toolkit branch reproduced here');
  const lastBinOfPosition = new Int32Array(NUM_BINS).fill(-1);
  for (let b = 0; b < NUM_BINS; b++) lastBinOfPosition[semitone[b]] = b;
  for (let j = 0; j < NUM_BINS; j++) {
    const b = lastBinOfPosition[j];
    if (b < 0) continue;
    classOfBin[b] = j % 12;
    divisorOfBin[b] = binsPerSemitoneOfBin[semitone[j]];
  }
  return { classOfBin, divisorOfBin };
}

export const CHROMA_MAP: ChromaMap = buildChromaMap();

/** The bins 1..199 that feed a chroma class (58 of them), with their class and 1 / divisor. */
export const CHROMA_FEEDING_BINS: Int32Array = Int32Array.from(
  Array.from({ length: NUM_BINS - 1 }, (_, i) => i + 1).filter((b) => CHROMA_MAP.classOfBin[b] >= 0),
);
export const CHROMA_FEEDING_CLASS: Int32Array = CHROMA_FEEDING_BINS.map((b) => CHROMA_MAP.classOfBin[b]);
export const CHROMA_FEEDING_WEIGHT: Float64Array = Float64Array.from(CHROMA_FEEDING_BINS, (b) => 1 / CHROMA_MAP.divisorOfBin[b]);
