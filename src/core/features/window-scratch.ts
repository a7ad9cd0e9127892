import { PAPER_FEATURE_COUNT } from './feature-names';
import { FrameAnalysisScratch } from './frame-record';
import { WindowFeatureComputer } from './window-short-term-features';

/**
 * The work arrays of FeatureWindowStream that hold nothing between two calls (the frame
 * analysis's, the window computer's and the 34-row feature matrix of a window): a registry's
 * streams run one at a time, so they share one instead of holding ~100 KB each.
 */
export class WindowScratch {
  readonly frameAnalysis = new FrameAnalysisScratch();
  readonly computer = new WindowFeatureComputer();
  private matrix = new Float64Array(0);

  /** A matrix of the 34 features of `numFrames` frames (contents undefined). */
  featureMatrix(numFrames: number): Float64Array {
    const length = PAPER_FEATURE_COUNT * numFrames;
    if (this.matrix.length < length) this.matrix = new Float64Array(length);
    return this.matrix;
  }
}
