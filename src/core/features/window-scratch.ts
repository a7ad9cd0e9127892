import { PAPER_FEATURE_COUNT } from './feature-names';
import { FrameAnalysisScratch } from './frame-record';
import { simdPcmChunk, type SimdPcmChunk } from './pcm-chunk-simd';
import { WindowFeatureComputer } from './window-short-term-features';

/**
 * The work arrays of FeatureWindowStream that hold nothing between two calls (the frame
 * analysis's, the window computer's, the 34-row feature matrix of a window and the float view of
 * a window's 16-bit audio): a registry's
 * streams run one at a time, so they share one instead of holding ~100 KB each.
 */
export class WindowScratch {
  readonly frameAnalysis: FrameAnalysisScratch;
  /** a 16-bit stream's per-sample work in WebAssembly SIMD, or null where the JavaScript runs it */
  readonly pcmChunk: SimdPcmChunk | null;
  readonly computer: WindowFeatureComputer;
  private matrix = new Float64Array(0);
  private audioView = new Float32Array(0);
  private trimEnergyView = new Float64Array(0);
  private squaresView = new Float64Array(0);

  /** `simd: false` runs the JavaScript even where the WebAssembly kernels would (for tests and benchmarks). */
  constructor(options: { simd?: boolean } = {}) {
    this.frameAnalysis = new FrameAnalysisScratch(options);
    this.pcmChunk = options.simd === false ? null : simdPcmChunk();
    this.computer = new WindowFeatureComputer(options);
  }

  /** A float view of a stream's 16-bit audio, at least `length` samples (contents undefined). */
  audio(length: number): Float32Array {
    if (this.audioView.length < length) this.audioView = new Float32Array(length);
    return this.audioView;
  }

  /** `count` mean energies of speech-trimming frames (contents undefined). */
  trimEnergies(count: number): Float64Array {
    if (this.trimEnergyView.length < count) this.trimEnergyView = new Float64Array(count);
    return this.trimEnergyView.subarray(0, count);
  }

  /** `count` sums of squares of speech-trimming frames (contents undefined). */
  frameSquares(count: number): Float64Array {
    if (this.squaresView.length < count) this.squaresView = new Float64Array(count);
    return this.squaresView;
  }

  /** A matrix of the 34 features of `numFrames` frames (contents undefined). */
  featureMatrix(numFrames: number): Float64Array {
    const length = PAPER_FEATURE_COUNT * numFrames;
    if (this.matrix.length < length) this.matrix = new Float64Array(length);
    return this.matrix;
  }
}
