import { loadOncePerThread, loadSimdKernel } from '../simd-kernel';

/**
 * A 16-bit stream's per-sample work by the WebAssembly SIMD kernel (assembly/pcm-chunk.ts), on samples that lie in a
 * ring (an Int16Array read from index `at` on, wrapping at its end). Exact: the same numbers as the JavaScript's loops.
 */
export interface SimdPcmChunk {
  /** out[outAt + i] = sample i / 32768, for i < n */
  toFloats(ring: Int16Array, at: number, n: number, out: Float32Array, outAt: number): void;
  /** Sum, minimum and maximum (in 1/32768 steps) of `count` blocks of 160 samples into the arrays from index `outAt`. */
  blockSummaries(ring: Int16Array, at: number, count: number, sums: Int32Array, mins: Int16Array, maxs: Int16Array, outAt: number): void;
  /** Sums of squares (of the samples as floats) of `count` frames of 400 samples into out[0 ..). */
  frameSquares(ring: Int16Array, at: number, count: number, out: Float64Array): void;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  CAPACITY: WebAssembly.Global;
  PCM: WebAssembly.Global;
  FLOATS: WebAssembly.Global;
  BLOCK_SUMS: WebAssembly.Global;
  BLOCK_MINS: WebAssembly.Global;
  BLOCK_MAXS: WebAssembly.Global;
  FRAME_SQUARES: WebAssembly.Global;
  toFloats(n: number): void;
  blockSummaries(first: number, count: number): void;
  frameSquares(first: number, count: number): void;
}

const BLOCK = 160;
const FRAME = 400;
const SQUARE_STEP = 2 ** -30;

/** The kernel, one per thread (its callers share it: each call is synchronous), or null where it cannot run. */
export const simdPcmChunk = loadOncePerThread(instantiate);

function instantiate(): SimdPcmChunk | null {
  const kernel = loadSimdKernel<KernelExports>('pcm-chunk-simd.wasm');
  if (kernel === null) return null;
  const capacity = kernel.CAPACITY.value as number;
  // the memory never grows (one fixed page), so these views stay valid
  const buffer = kernel.memory.buffer;
  const pcm = new Int16Array(buffer, kernel.PCM.value, capacity);
  const floats = new Float32Array(buffer, kernel.FLOATS.value, capacity);
  const blockCapacity = Math.floor(capacity / BLOCK);
  const sums = new Int32Array(buffer, kernel.BLOCK_SUMS.value, blockCapacity);
  const mins = new Int32Array(buffer, kernel.BLOCK_MINS.value, blockCapacity);
  const maxs = new Int32Array(buffer, kernel.BLOCK_MAXS.value, blockCapacity);
  const frameCapacity = Math.floor(capacity / FRAME);
  const squares = new Float64Array(buffer, kernel.FRAME_SQUARES.value, frameCapacity);

  /** ring[at ..] (wrapping) into the kernel's samples, n <= capacity */
  const copyIn = (ring: Int16Array, at: number, n: number) => {
    const first = Math.min(n, ring.length - at);
    pcm.set(ring.subarray(at, at + first));
    if (first < n) pcm.set(ring.subarray(0, n - first), first);
  };
  const wrap = (ring: Int16Array, at: number) => (at >= ring.length ? at - ring.length : at);

  return {
    toFloats(ring, at, n, out, outAt) {
      for (let done = 0; done < n; done += capacity) {
        const part = Math.min(capacity, n - done);
        copyIn(ring, wrap(ring, at + done), part);
        kernel.toFloats(part);
        out.set(part === capacity ? floats : floats.subarray(0, part), outAt + done);
      }
    },
    blockSummaries(ring, at, count, sumsOut, minsOut, maxsOut, outAt) {
      for (let done = 0; done < count; done += blockCapacity) {
        const part = Math.min(blockCapacity, count - done);
        copyIn(ring, wrap(ring, at + done * BLOCK), part * BLOCK);
        kernel.blockSummaries(0, part);
        for (let b = 0; b < part; b++) {
          sumsOut[outAt + done + b] = sums[b];
          minsOut[outAt + done + b] = mins[b];
          maxsOut[outAt + done + b] = maxs[b];
        }
      }
    },
    frameSquares(ring, at, count, out) {
      for (let done = 0; done < count; done += frameCapacity) {
        const part = Math.min(frameCapacity, count - done);
        copyIn(ring, wrap(ring, at + done * FRAME), part * FRAME);
        kernel.frameSquares(0, part);
        for (let f = 0; f < part; f++) out[done + f] = squares[f] * SQUARE_STEP;
      }
    },
  };
}
