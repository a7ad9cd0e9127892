import { meanAndStd } from './clip-vector';
import { PAPER_FEATURE_COUNT } from './feature-names';
import { FrameAnalyser, FrameRecords } from './frame-record';
import { FRAME_STEP, frameCount } from './pyaudioanalysis-constants';
import { normalisationOf } from './reference-short-term-features';
import { WindowFeatureComputer } from './window-short-term-features';

/**
 * pyAudioAnalysis's `feature_extraction(x, 16000, 400, 160)` on 16 kHz mono samples in [-1, 1]
 * (int16 / 32768): 34 arrays, one per feature, over the 25 ms frames (10 ms step).
 */
export function paperShortTermFeatures(samples16k: Float32Array | Float64Array): Float64Array[] {
  const numFrames = frameCount(samples16k.length);
  const matrix = paperShortTermMatrix(samples16k, 0, samples16k.length);
  return Array.from({ length: PAPER_FEATURE_COUNT }, (_, i) => matrix.subarray(i * numFrames, (i + 1) * numFrames));
}

/** The paper's 68-number clip vector of samples[from..to): means then population stds of the 34 features. */
export function paperClipVector(samples16k: Float32Array | Float64Array, from = 0, to = samples16k.length): Float64Array {
  const numFrames = frameCount(to - from);
  const matrix = paperShortTermMatrix(samples16k, from, to);
  const vector = new Float64Array(2 * PAPER_FEATURE_COUNT);
  for (let i = 0; i < PAPER_FEATURE_COUNT; i++) {
    const { mean, std } = meanAndStd(matrix, i * numFrames, (i + 1) * numFrames);
    vector[i] = mean;
    vector[PAPER_FEATURE_COUNT + i] = std;
  }
  return vector;
}

/** Features of samples[from..to) as one clip: feature i of frame j at [i * numFrames + j]. */
export function paperShortTermMatrix(samples: ArrayLike<number>, from: number, to: number): Float64Array {
  const numFrames = frameCount(to - from);
  const { mean, scale } = normalisationOf(samples, from, to);
  const records = new FrameRecords(numFrames);
  const analyser = new FrameAnalyser();
  // the window is the whole range: its mean is the pivot, so the reach is never needed
  analyser.zcrPivot = mean;
  analyser.zcrReach = 0;
  for (let j = 0; j < numFrames; j++) analyser.analyse(samples, from + j * FRAME_STEP, records, j);
  const matrix = new Float64Array(PAPER_FEATURE_COUNT * numFrames);
  new WindowFeatureComputer().compute(
    {
      records,
      slot: (j) => j,
      samples: () => samples,
      sampleOffset: (j) => from + j * FRAME_STEP,
      numFrames,
    },
    mean,
    scale,
    matrix,
    numFrames,
  );
  return matrix;
}
