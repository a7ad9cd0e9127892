import { loadSimdKernel } from '../simd-kernel';

/** The tables the kernel reads, computed by the JavaScript FFT's own expressions (real-fft-400.ts). */
export interface RealFft400Tables {
  /** pair index n of z[n] (n = (25 n1 + 8 n2) mod 200) at [n2 * 8 + n1] */
  inputPairs: Int32Array;
  /** bin of the 25-point DFT output l1 + 5 l2 of row k1 at [k1 * 25 + l1 * 5 + l2] */
  outputBins: Int32Array;
  twiddle25Re: Float64Array;
  twiddle25Im: Float64Array;
  splitRe: Float64Array;
  splitIm: Float64Array;
  /** cos(2 pi / 5), cos(4 pi / 5), sin(2 pi / 5), sin(4 pi / 5) */
  fivePoint: [number, number, number, number];
}

/** The power spectrum of 400 samples by the WebAssembly SIMD kernel (assembly/real-fft-400.ts). */
export interface SimdRealFft400 {
  powerSpectrum(input: ArrayLike<number>, offset: number, out: Float64Array): void;
}

/** The kernel's exports: its addresses (in its memory) and entry points. */
interface KernelExports {
  memory: WebAssembly.Memory;
  INPUT_F32: WebAssembly.Global;
  INPUT_F64: WebAssembly.Global;
  POWER: WebAssembly.Global;
  INPUT_PAIR: WebAssembly.Global;
  OUTPUT_BIN: WebAssembly.Global;
  TWIDDLE25: WebAssembly.Global;
  SPLIT: WebAssembly.Global;
  FIVE_POINT: WebAssembly.Global;
  powerSpectrumF32(): void;
  powerSpectrumF64(): void;
}

let loaded: SimdRealFft400 | null | undefined;

/**
 * The kernel, one per thread (every caller shares it: each call is synchronous), or null where WebAssembly or its
 * SIMD is not there (node --jitless, an engine without it): the JavaScript FFT then runs.
 */
export function simdRealFft400(tables: RealFft400Tables): SimdRealFft400 | null {
  if (loaded === undefined) loaded = instantiate(tables);
  return loaded;
}

/** The kernel's table addresses: this module's and frame-spectrum-simd.wasm's, which holds the same FFT. */
export interface FftTableAddresses {
  memory: WebAssembly.Memory;
  INPUT_PAIR: WebAssembly.Global;
  OUTPUT_BIN: WebAssembly.Global;
  TWIDDLE25: WebAssembly.Global;
  SPLIT: WebAssembly.Global;
  FIVE_POINT: WebAssembly.Global;
}

/** Writes the FFT's tables into a kernel's memory. */
export function writeFftTables(kernel: FftTableAddresses, tables: RealFft400Tables): void {
  const buffer = kernel.memory.buffer;
  new Int32Array(buffer, kernel.INPUT_PAIR.value, 200).set(tables.inputPairs);
  new Int32Array(buffer, kernel.OUTPUT_BIN.value, 200).set(tables.outputBins);
  const twiddles = new Float64Array(buffer, kernel.TWIDDLE25.value, 4 * 25);
  for (let i = 0; i < 25; i++)
    twiddles.set([tables.twiddle25Re[i], tables.twiddle25Re[i], -tables.twiddle25Im[i], tables.twiddle25Im[i]], 4 * i);
  const split = new Float64Array(buffer, kernel.SPLIT.value, 4 * 200);
  for (let k = 0; k < 200; k++) split.set([tables.splitRe[k], tables.splitRe[k], -tables.splitIm[k], tables.splitIm[k]], 4 * k);
  new Float64Array(buffer, kernel.FIVE_POINT.value, 4).set(tables.fivePoint);
}

/** Copies 400 samples from input[offset] into the kernel's input (f32 or f64) and runs its power spectrum. */
export function fftOfInput(kernel: {
  INPUT_F32: WebAssembly.Global;
  INPUT_F64: WebAssembly.Global;
  memory: WebAssembly.Memory;
  powerSpectrumF32(): void;
  powerSpectrumF64(): void;
}): (input: ArrayLike<number>, offset: number) => void {
  // the memory never grows (one fixed page), so these views stay valid
  const inputF32 = new Float32Array(kernel.memory.buffer, kernel.INPUT_F32.value, 400);
  const inputF64 = new Float64Array(kernel.memory.buffer, kernel.INPUT_F64.value, 400);
  return (input, offset) => {
    if (!(offset >= 0 && offset + 400 <= input.length)) throw new RangeError(`no 400 samples at ${offset} of ${input.length}`);
    if (input instanceof Float32Array) {
      inputF32.set(input.subarray(offset, offset + 400));
      kernel.powerSpectrumF32();
    } else {
      if (input instanceof Float64Array) inputF64.set(input.subarray(offset, offset + 400));
      else for (let i = 0; i < 400; i++) inputF64[i] = input[offset + i];
      kernel.powerSpectrumF64();
    }
  };
}

function instantiate(tables: RealFft400Tables): SimdRealFft400 | null {
  const kernel = loadSimdKernel<KernelExports>('real-fft-400-simd.wasm');
  if (kernel === null) return null;
  writeFftTables(kernel, tables);
  const fft = fftOfInput(kernel);
  const power = new Float64Array(kernel.memory.buffer, kernel.POWER.value, 200);
  return {
    powerSpectrum(input, offset, out) {
      fft(input, offset);
      out.set(power);
    },
  };
}
