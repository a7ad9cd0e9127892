import { REC, REC16, REC32 } from './frame-record';
import { loadOncePerThread, loadSimdKernel } from '../simd-kernel';
import type { WindowConstants } from './window-short-term-features';

/**
 * A window's short-term features from its frames' records by the WebAssembly kernel (assembly/window-frames.ts), up
 * to `frames` frames a call: the same bits as WindowFeatureComputer's JavaScript. The arrays are views of the kernel's
 * memory, valid until its next call.
 */
export interface SimdWindowFrames {
  readonly frames: number;
  /** where the caller copies the frames' records (FrameRecords.copyFrames) */
  readonly singles: Float32Array;
  readonly halves: Int16Array;
  readonly blocks: Float32Array;
  /** feature i of frame k at [i * frames + k] */
  readonly matrix: Float64Array;
  /** per frame: WINDOW_FRAME_FLAGS of what the samples must give instead */
  readonly flags: Uint8Array;
  /** per frame: A_0 and the spectral power with it (for the rolloff from the samples) */
  readonly bin0Magnitudes: Float64Array;
  readonly squares: Float64Array;
  /** Frames 0 .. count - 1 of the copied records, for a window of this mean, scale and constants. */
  run(
    count: number,
    startsWindow: boolean,
    mean: number,
    scale: number,
    constants: WindowConstants,
    bin0Class: number,
    bin0Divisor: number,
  ): void;
}

export const WINDOW_FRAME_FLAGS = { zcr: 1, rolloff: 2, mfcc: 4 } as const;

interface KernelExports {
  memory: WebAssembly.Memory;
  FRAMES: WebAssembly.Global;
  REC_LENGTH: WebAssembly.Global;
  REC32_LENGTH: WebAssembly.Global;
  REC16_LENGTH: WebAssembly.Global;
  SINGLES: WebAssembly.Global;
  HALVES: WebAssembly.Global;
  BLOCKS: WebAssembly.Global;
  MATRIX: WebAssembly.Global;
  FLAGS: WebAssembly.Global;
  BIN0_MAGNITUDES: WebAssembly.Global;
  SQUARES: WebAssembly.Global;
  ZCR_FROM_SAMPLES: WebAssembly.Global;
  ROLLOFF_FROM_SAMPLES: WebAssembly.Global;
  MFCC_FROM_SAMPLES: WebAssembly.Global;
  windowFrames(
    n: number,
    startsWindow: number,
    mean: number,
    scale: number,
    sigma: number,
    fluxEps: number,
    logScale: number,
    epsScale: number,
    energyEps: number,
    correction: number,
    bin0Class: number,
    bin0Divisor: number,
  ): void;
}

/** The kernel, one per thread (its callers share it: each call is synchronous), or null where it cannot run. */
export const simdWindowFrames = loadOncePerThread(instantiate);

function instantiate(): SimdWindowFrames | null {
  const kernel = loadSimdKernel<KernelExports>('window-frames-simd.wasm');
  if (kernel === null) return null;
  const layout = [kernel.REC_LENGTH.value, kernel.REC32_LENGTH.value, kernel.REC16_LENGTH.value];
  const flags = [kernel.ZCR_FROM_SAMPLES.value, kernel.ROLLOFF_FROM_SAMPLES.value, kernel.MFCC_FROM_SAMPLES.value];
  if (
    String(layout) !== String([REC.length, REC32.length, REC16.length]) ||
    String(flags) !== String([WINDOW_FRAME_FLAGS.zcr, WINDOW_FRAME_FLAGS.rolloff, WINDOW_FRAME_FLAGS.mfcc])
  ) {
    throw new Error('window-frames-simd.wasm was built for other frame records: run `node scripts/build-wasm.mjs`');
  }
  const frames = kernel.FRAMES.value as number;
  // the memory never grows (two fixed pages), so these views stay valid
  const buffer = kernel.memory.buffer;
  return {
    frames,
    singles: new Float32Array(buffer, kernel.SINGLES.value, frames * REC32.length),
    halves: new Int16Array(buffer, kernel.HALVES.value, frames * REC16.length),
    blocks: new Float32Array(buffer, kernel.BLOCKS.value, 2 * (4 * frames + 6)),
    matrix: new Float64Array(buffer, kernel.MATRIX.value, 34 * frames),
    flags: new Uint8Array(buffer, kernel.FLAGS.value, frames),
    bin0Magnitudes: new Float64Array(buffer, kernel.BIN0_MAGNITUDES.value, frames),
    squares: new Float64Array(buffer, kernel.SQUARES.value, frames),
    run(count, startsWindow, mean, scale, c, bin0Class, bin0Divisor) {
      kernel.windowFrames(
        count,
        startsWindow ? 1 : 0,
        mean,
        scale,
        c.sigma,
        c.fluxEps,
        c.logScale,
        c.epsScale,
        c.energyEps,
        c.correction,
        bin0Class,
        bin0Divisor,
      );
    },
  };
}
