import { loadSimdKernel } from '../simd-kernel';
import type { TaskName } from './emotion-tasks';
import type { DenseWeights, PlainForwardResult, TaskHead } from './plain-forward-pass';

/** The kernel's exports (assembly/forward-pass.ts): its entry, the header's places (bytes) and its codes. */
interface KernelExports {
  memory: WebAssembly.Memory;
  run(rows: number, withAlpha: number): void;
  INPUTS: WebAssembly.Global;
  HIDDEN: WebAssembly.Global;
  HEADS: WebAssembly.Global;
  ACTIVATION: WebAssembly.Global;
  X: WebAssembly.Global;
  KERNEL: WebAssembly.Global;
  BIAS: WebAssembly.Global;
  HIDDEN_VALUES: WebAssembly.Global;
  ATTENDED: WebAssembly.Global;
  HEAD: WebAssembly.Global;
  HEAD_BYTES: WebAssembly.Global;
  HEAD_CLASSES: WebAssembly.Global;
  HEAD_ATTENTION: WebAssembly.Global;
  HEAD_U: WebAssembly.Global;
  HEAD_KERNEL: WebAssembly.Global;
  HEAD_BIAS: WebAssembly.Global;
  HEAD_PROBABILITIES: WebAssembly.Global;
  HEAD_ALPHA: WebAssembly.Global;
  HEAD_SCALE: WebAssembly.Global;
  ACTIVATION_SELU: WebAssembly.Global;
  ACTIVATION_LINEAR: WebAssembly.Global;
  ACTIVATION_RELU: WebAssembly.Global;
  ACTIVATION_ELU: WebAssembly.Global;
  ATTENTION_NONE: WebAssembly.Global;
  ATTENTION_VECTOR: WebAssembly.Global;
  ATTENTION_SCALAR: WebAssembly.Global;
}
const MAX_PADDED_CLASSES = 64;
/** Rows per call: their inputs, probabilities and attention weights stay in the kernel's memory. */
const ROWS_PER_CALL = 16;
/** The net is laid out from the second 64 KiB page on (the first holds the header and the compiler's own data). */
const NET_START = 65536;
const PAGE = 65536;

interface HeadPlaces {
  task: TaskName;
  classes: number;
  hasAttention: boolean;
  probabilities: Float64Array;
  alpha: Float64Array;
}

/**
 * The forward pass of PlainForwardPass by the WebAssembly SIMD kernel (assembly/forward-pass.ts), the same to ~1e-16
 * (its exp rounds differently now and then): one instance per net, its weights copied into the kernel's memory once.
 * On the shipped model a lone window took 21 CPU µs against the JavaScript's 48, 33 against 57 with the weights out
 * of cache (`npx tsx scripts/bench/forward-pass-ab.ts --baseline DIR`, DIR a checkout of the JavaScript alone).
 */
export class ForwardPassKernel {
  private constructor(
    private readonly kernel: KernelExports,
    private readonly inputs: number,
    private readonly hidden: number,
    private readonly x: Float32Array,
    private readonly heads: HeadPlaces[],
  ) {}

  /** The kernel for this net, or null where WebAssembly SIMD is not there or the net is one it does not run. */
  static forNet(shared: DenseWeights, heads: TaskHead[]): ForwardPassKernel | null {
    const h = shared.units;
    if (h % 8 !== 0 || heads.length < 1 || heads.length > 3) return null;
    if (heads.some((head) => head.dense.units + 1 > MAX_PADDED_CLASSES || head.dense.inputs !== h)) return null;
    const kernel = loadSimdKernel<KernelExports>('forward-pass-simd.wasm', __dirname);
    if (kernel === null) return null;
    const code = (global: WebAssembly.Global) => global.value as number;
    const activations: Record<string, number> = {
      selu: code(kernel.ACTIVATION_SELU),
      linear: code(kernel.ACTIVATION_LINEAR),
      relu: code(kernel.ACTIVATION_RELU),
      elu: code(kernel.ACTIVATION_ELU),
    };
    const activation = activations[shared.activation];
    if (activation === undefined) return null;
    const n = shared.inputs;

    // the layout: each part 16-byte aligned, from NET_START on
    let end = NET_START;
    const place = (bytes: number) => {
      const at = end;
      end += Math.ceil(bytes / 16) * 16;
      return at;
    };
    const padded = (c: number) => c + (c % 2);
    const xAt = place(ROWS_PER_CALL * n * 4);
    const kernelAt = place(n * h * 4);
    const biasAt = shared.bias ? place(h * 4) : 0;
    const hiddenAt = place(h * 8);
    const attendedAt = place(h * 8);
    const headAt = heads.map((head) => {
      const c = head.dense.units;
      return {
        u: head.u ? place(head.u.length * 4) : 0,
        kernel: place(h * padded(c) * 4),
        bias: head.dense.bias ? place(padded(c) * 4) : 0,
        probabilities: place(ROWS_PER_CALL * c * 8),
        alpha: place(ROWS_PER_CALL * h * 8),
      };
    });
    const pages = Math.ceil(end / PAGE);
    const current = kernel.memory.buffer.byteLength / PAGE;
    if (pages > current) kernel.memory.grow(pages - current);

    const buffer = kernel.memory.buffer;
    const header = new DataView(buffer);
    const i32 = (at: WebAssembly.Global | number, value: number) => header.setInt32(typeof at === 'number' ? at : code(at), value, true);
    i32(kernel.INPUTS, n);
    i32(kernel.HIDDEN, h);
    i32(kernel.HEADS, heads.length);
    i32(kernel.ACTIVATION, activation);
    i32(kernel.X, xAt);
    i32(kernel.KERNEL, kernelAt);
    i32(kernel.BIAS, biasAt);
    i32(kernel.HIDDEN_VALUES, hiddenAt);
    i32(kernel.ATTENDED, attendedAt);
    // [input][unit]: a row of units per input, as the kernel walks them
    const byInput = new Float32Array(buffer, kernelAt, n * h);
    for (let j = 0; j < h; j++) for (let i = 0; i < n; i++) byInput[i * h + j] = shared.kernelByUnit[j * n + i];
    if (shared.bias) new Float32Array(buffer, biasAt, h).set(shared.bias);
    const places = heads.map((head, k): HeadPlaces => {
      const at = headAt[k];
      const base = code(kernel.HEAD) + code(kernel.HEAD_BYTES) * k;
      const c = head.dense.units;
      const p = padded(c);
      const attention = !head.u ? kernel.ATTENTION_NONE : head.u.length === 1 ? kernel.ATTENTION_SCALAR : kernel.ATTENTION_VECTOR;
      i32(base + code(kernel.HEAD_CLASSES), c);
      i32(base + code(kernel.HEAD_ATTENTION), code(attention));
      i32(base + code(kernel.HEAD_U), at.u);
      i32(base + code(kernel.HEAD_KERNEL), at.kernel);
      i32(base + code(kernel.HEAD_BIAS), at.bias);
      i32(base + code(kernel.HEAD_PROBABILITIES), at.probabilities);
      i32(base + code(kernel.HEAD_ALPHA), at.alpha);
      header.setFloat64(code(kernel.HEAD_SCALE) + 8 * k, head.alphaScale, true);
      if (head.u) new Float32Array(buffer, at.u, head.u.length).set(head.u);
      // [unit][class], classes padded with zero weights
      const weights = new Float32Array(buffer, at.kernel, h * p);
      for (let cls = 0; cls < c; cls++) for (let j = 0; j < h; j++) weights[j * p + cls] = head.dense.kernelByUnit[cls * h + j];
      if (head.dense.bias) new Float32Array(buffer, at.bias, p).set(head.dense.bias);
      return {
        task: head.task,
        classes: c,
        hasAttention: head.u !== undefined,
        probabilities: new Float64Array(buffer, at.probabilities, ROWS_PER_CALL * c),
        alpha: new Float64Array(buffer, at.alpha, ROWS_PER_CALL * h),
      };
    });
    return new ForwardPassKernel(kernel, n, h, new Float32Array(buffer, xAt, ROWS_PER_CALL * n), places);
  }

  /** PlainForwardPass.run's result for `rows` standardised vectors laid out row-major in `input`. */
  run(input: Float32Array, rows: number, withAttention: boolean): PlainForwardResult {
    const n = this.inputs;
    const h = this.hidden;
    const probabilities: PlainForwardResult['probabilities'] = {};
    for (const head of this.heads) probabilities[head.task] = new Float64Array(rows * head.classes);
    const attention: PlainForwardResult['attention'] = withAttention && this.heads[0].hasAttention ? {} : undefined;
    if (attention) for (const head of this.heads) attention[head.task] = new Float64Array(rows * h);
    for (let first = 0; first < rows; first += ROWS_PER_CALL) {
      const block = Math.min(ROWS_PER_CALL, rows - first);
      this.x.set(input.subarray(first * n, (first + block) * n));
      this.kernel.run(block, attention ? 1 : 0);
      for (const head of this.heads) {
        probabilities[head.task]!.set(head.probabilities.subarray(0, block * head.classes), first * head.classes);
        if (attention && head.hasAttention) attention[head.task]!.set(head.alpha.subarray(0, block * h), first * h);
      }
    }
    return attention ? { probabilities, attention } : { probabilities };
  }
}
