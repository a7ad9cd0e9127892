import { loadOncePerThread, loadSimdKernel } from '../simd-kernel';

/** The 4 new blocks of a frame by the WebAssembly SIMD kernel (assembly/frame-sample-blocks.ts). */
export interface SimdFrameSampleBlocks {
  /**
   * Sums, means, centred energies and zero-crossing counts about `pivot` of the 4 blocks of 40 samples from
   * samples[from], into the arrays' entries first .. first + 3.
   */
  blocks(
    samples: Float32Array,
    from: number,
    pivot: number,
    first: number,
    out: { sum: Float64Array; mean: Float64Array; centredEnergy: Float64Array; crossingsBelow: Float64Array; crossingsAbove: Float64Array },
  ): void;
}

/** The kernel's exports: its addresses (in its memory) and entry point. */
interface KernelExports {
  memory: WebAssembly.Memory;
  SAMPLES: WebAssembly.Global;
  SUM: WebAssembly.Global;
  MEAN: WebAssembly.Global;
  CENTRED: WebAssembly.Global;
  BELOW: WebAssembly.Global;
  ABOVE: WebAssembly.Global;
  blocks(pivot: number): void;
}

/** The kernel, one per thread (its callers share it: each call is synchronous), or null where it cannot run. */
export const simdFrameSampleBlocks = loadOncePerThread(instantiate);

function instantiate(): SimdFrameSampleBlocks | null {
  const kernel = loadSimdKernel<KernelExports>('frame-sample-blocks-simd.wasm');
  if (kernel === null) return null;
  // the memory never grows (one fixed page), so these views stay valid
  const buffer = kernel.memory.buffer;
  const input = new Float32Array(buffer, kernel.SAMPLES.value, 160);
  const sum = new Float64Array(buffer, kernel.SUM.value, 4);
  const mean = new Float64Array(buffer, kernel.MEAN.value, 4);
  const centred = new Float64Array(buffer, kernel.CENTRED.value, 4);
  const below = new Float64Array(buffer, kernel.BELOW.value, 4);
  const above = new Float64Array(buffer, kernel.ABOVE.value, 4);
  return {
    blocks(samples, from, pivot, first, out) {
      if (!(from >= 0 && from + 160 <= samples.length)) throw new RangeError(`no 160 samples at ${from} of ${samples.length}`);
      input.set(samples.subarray(from, from + 160));
      kernel.blocks(pivot);
      // loops, not set(): for 4 values the builtins' calls cost more than the copying
      for (let b = 0; b < 4; b++) {
        out.sum[first + b] = sum[b];
        out.mean[first + b] = mean[b];
        out.centredEnergy[first + b] = centred[b];
        out.crossingsBelow[first + b] = below[b];
        out.crossingsAbove[first + b] = above[b];
      }
    },
  };
}
