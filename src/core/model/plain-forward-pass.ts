// Inference without tfjs: measured on this package, a tfjs model call costs about 0.4 ms of CPU however
// few windows it holds (1.2-1.8 ms in a running flow), while MT-A-DNN is about 10k multiply-adds and a
// few hundred exps per window. The same arithmetic over the weights as plain Float32Arrays costs tens of
// microseconds and runs on Node-RED's main thread without any tensor. tfjs stays for loading and training.
import type * as tf from './tensorflow';
import { taskNamesOf, type Architecture } from './mt-a-dnn';
import type { TaskName } from './emotion-tasks';
import { ForwardPassKernel } from './forward-pass-kernel';

/** tfjs's SELU constants (Klambauer et al. 2017), as tfjs-core's selu_util.ts has them. */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473766;

const ACTIVATIONS: Record<string, (x: number) => number> = {
  selu: (x) => (x >= 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * (Math.exp(x) - 1)),
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

/**
 * A Dense layer's weights, the kernel transposed to [units, inputs] so that each unit is one contiguous dot product.
 * Kept as float32, as trained: the products are the same doubles, and the shared layer's 35 KB (70 as doubles) stay
 * in a cache that the rest of a busy Node-RED thread evicts between windows.
 */
export interface DenseWeights {
  inputs: number;
  units: number;
  kernelByUnit: Float32Array;
  bias: Float32Array | undefined;
  activation: string;
}

export interface TaskHead {
  task: TaskName;
  /** u of the task's attention layer: one per hidden unit ('vector') or one for all ('scalar'); undefined without attention. */
  u: Float32Array | undefined;
  /** Multiplies α: the number of hidden units for scale 'units', 1 for the paper's. */
  alphaScale: number;
  dense: DenseWeights;
}

/** Per task, row-major [rows, classes] probabilities and, when asked, [rows, hidden units] attention weights α (summing to 1). */
export interface PlainForwardResult {
  probabilities: Partial<Record<TaskName, Float64Array>>;
  attention?: Partial<Record<TaskName, Float64Array>>;
}

/** Rows whose shared layer is computed together, each kernel value loaded once for all of them. */
const ROW_BLOCK = 4;

/**
 * The forward pass of one MT-A-DNN net (see buildMtADnn and forward in mt-a-dnn.ts) over copies of its weights.
 * Each row's sums are taken in the same order whether it is computed alone or in a block of rows, so a window's
 * probabilities are bit for bit the same whatever other windows share its batch.
 */
export class PlainForwardPass {
  /** the same arithmetic by WebAssembly SIMD, where it runs and the net is one it knows (ForwardPassKernel) */
  private readonly kernel: ForwardPassKernel | null;
  private readonly inputBlock: Float64Array;
  private readonly hiddenBlock: Float64Array;
  private readonly hidden: Float64Array;
  private readonly attended: Float64Array;
  private readonly logits: Float64Array;

  private constructor(
    private readonly shared: DenseWeights,
    private readonly heads: TaskHead[],
    useKernel: boolean,
  ) {
    this.kernel = useKernel ? ForwardPassKernel.forNet(shared, heads) : null;
    this.inputBlock = new Float64Array(ROW_BLOCK * shared.inputs);
    this.hiddenBlock = new Float64Array(ROW_BLOCK * shared.units);
    this.hidden = new Float64Array(shared.units);
    this.attended = new Float64Array(shared.units);
    this.logits = new Float64Array(Math.max(...heads.map((head) => head.dense.units)));
  }

  /**
   * Copies the weights of a built or loaded net once; keeps no tensor. `kernel: false`: the JavaScript even where the
   * WebAssembly kernel runs (to compare them).
   */
  static fromNet(net: tf.LayersModel, architecture: Architecture, options: { kernel?: boolean } = {}): PlainForwardPass {
    const shared = denseWeights(net.getLayer('shared'), architecture.inputLength);
    if (shared.units !== architecture.hiddenUnits) {
      throw new Error(`layer "shared" has ${shared.units} units, the architecture says ${architecture.hiddenUnits}`);
    }
    if (!ACTIVATIONS[shared.activation]) {
      throw new Error(`layer "shared" has activation ${shared.activation}, which the plain forward pass does not know`);
    }
    const heads = taskNamesOf(architecture).map((task): TaskHead => {
      const dense = denseWeights(net.getLayer(task), shared.units);
      if (dense.activation !== 'softmax') throw new Error(`layer "${task}" has activation ${dense.activation}, not softmax`);
      if (architecture.attention === 'none') return { task, u: undefined, alphaScale: 1, dense };
      const [u] = net.getLayer(`${task}_attention`).getWeights();
      const expected = architecture.attention === 'vector' ? shared.units : 1;
      if (!u || u.size !== expected) throw new Error(`layer "${task}_attention" has no u of ${expected} values`);
      return { task, u: u.dataSync() as Float32Array, alphaScale: architecture.attentionScale === 'units' ? shared.units : 1, dense };
    });
    return new PlainForwardPass(shared, heads, options.kernel !== false);
  }

  /** Whether the WebAssembly kernel runs the pass. */
  get usesKernel(): boolean {
    return this.kernel !== null;
  }

  /** Forward pass for `rows` standardised vectors laid out row-major in `input`. */
  run(input: Float32Array, rows: number, options: { withAttention?: boolean } = {}): PlainForwardResult {
    const { shared, heads, inputBlock: xs, hiddenBlock: ys, hidden: y, attended: z, logits } = this;
    const n = shared.inputs;
    const h = shared.units;
    if (input.length !== rows * n) throw new Error(`input has ${input.length} values, ${rows} rows of ${n} expected`);
    if (this.kernel) return this.kernel.run(input, rows, options.withAttention === true);
    const activation = ACTIVATIONS[shared.activation];
    const selu = shared.activation === 'selu';
    const result: PlainForwardResult = { probabilities: {} };
    for (const head of heads) result.probabilities[head.task] = new Float64Array(rows * head.dense.units);
    if (options.withAttention && heads[0].u) {
      result.attention = {};
      for (const head of heads) result.attention[head.task] = new Float64Array(rows * h);
    }
    for (let first = 0; first < rows; first += ROW_BLOCK) {
      const block = Math.min(ROW_BLOCK, rows - first);
      for (let i = 0; i < block * n; i++) xs[i] = input[first * n + i];
      if (block === ROW_BLOCK) denseFourRowsInto(shared, xs, ys);
      else for (let b = 0; b < block; b++) denseInto(shared, xs, b * n, ys, b * h);
      for (let b = 0; b < block; b++) {
        const r = first + b;
        for (let j = 0; j < h; j++) {
          const v = ys[b * h + j];
          // SELU written out: the shipped nets' activation, on every unit of every window.
          y[j] = selu ? (v >= 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * (Math.exp(v) - 1)) : activation(v);
        }
        for (const head of heads) {
          if (head.u) {
            attentionInto(y, head.u, z);
            const alpha = result.attention?.[head.task];
            if (alpha) alpha.set(z, r * h);
            const scale = head.alphaScale;
            for (let j = 0; j < h; j++) z[j] *= scale * y[j];
          } else {
            z.set(y);
          }
          const c = head.dense.units;
          denseInto(head.dense, z, 0, logits, 0);
          softmaxInPlace(logits, c);
          const out = result.probabilities[head.task]!;
          for (let k = 0; k < c; k++) out[r * c + k] = logits[k];
        }
      }
    }
    return result;
  }
}

function denseWeights(layer: tf.layers.Layer, inputs: number): DenseWeights {
  const config = layer.getConfig();
  if (layer.getClassName() !== 'Dense') throw new Error(`layer "${layer.name}" is a ${layer.getClassName()}, not Dense`);
  const [kernel, bias] = layer.getWeights();
  if (kernel.shape.length !== 2 || kernel.shape[0] !== inputs) {
    throw new Error(`layer "${layer.name}" has kernel shape [${kernel.shape.join(', ')}], expected [${inputs}, units]`);
  }
  const units = kernel.shape[1];
  const stored = kernel.dataSync();
  const kernelByUnit = new Float32Array(units * inputs);
  for (let i = 0; i < inputs; i++) for (let j = 0; j < units; j++) kernelByUnit[j * inputs + i] = stored[i * units + j];
  return {
    inputs,
    units,
    kernelByUnit,
    bias: bias ? (bias.dataSync() as Float32Array) : undefined,
    activation: String(config.activation ?? 'linear'),
  };
}

/**
 * out[outOffset + j] = x[xOffset..] · kernel column j + bias j, before the activation. Four units at a time: one
 * sum alone waits on each addition before the next (measured: a window alone took 3x the CPU of one in a block of
 * four), four sums side by side do not, and each is still taken in input order.
 */
function denseInto(dense: DenseWeights, x: Float64Array, xOffset: number, out: Float64Array, outOffset: number): void {
  const { inputs, units, kernelByUnit, bias } = dense;
  let first = 0;
  for (; first + 4 <= units; first += 4) {
    let s0 = bias ? bias[first] : 0;
    let s1 = bias ? bias[first + 1] : 0;
    let s2 = bias ? bias[first + 2] : 0;
    let s3 = bias ? bias[first + 3] : 0;
    const r0 = first * inputs;
    const r1 = r0 + inputs;
    const r2 = r1 + inputs;
    const r3 = r2 + inputs;
    for (let i = 0; i < inputs; i++) {
      const v = x[xOffset + i];
      s0 += v * kernelByUnit[r0 + i];
      s1 += v * kernelByUnit[r1 + i];
      s2 += v * kernelByUnit[r2 + i];
      s3 += v * kernelByUnit[r3 + i];
    }
    out[outOffset + first] = s0;
    out[outOffset + first + 1] = s1;
    out[outOffset + first + 2] = s2;
    out[outOffset + first + 3] = s3;
  }
  for (let j = first; j < units; j++) {
    let sum = bias ? bias[j] : 0;
    const row = j * inputs;
    for (let i = 0; i < inputs; i++) sum += x[xOffset + i] * kernelByUnit[row + i];
    out[outOffset + j] = sum;
  }
}

/** denseInto for ROW_BLOCK rows at once, each row's sum in the same order as denseInto takes it. */
function denseFourRowsInto(dense: DenseWeights, xs: Float64Array, out: Float64Array): void {
  const { inputs: n, units, kernelByUnit, bias } = dense;
  for (let j = 0; j < units; j++) {
    const b = bias ? bias[j] : 0;
    let s0 = b;
    let s1 = b;
    let s2 = b;
    let s3 = b;
    const row = j * n;
    for (let i = 0; i < n; i++) {
      const w = kernelByUnit[row + i];
      s0 += xs[i] * w;
      s1 += xs[n + i] * w;
      s2 += xs[2 * n + i] * w;
      s3 += xs[3 * n + i] * w;
    }
    out[j] = s0;
    out[units + j] = s1;
    out[2 * units + j] = s2;
    out[3 * units + j] = s3;
  }
}

/** α = softmax(u ⊙ y) into alpha (u of length 1 is one weight for every unit). */
function attentionInto(y: Float64Array, u: Float32Array, alpha: Float64Array): void {
  const h = y.length;
  const scalar = u.length === 1;
  let max = -Infinity;
  for (let j = 0; j < h; j++) {
    const s = (scalar ? u[0] : u[j]) * y[j];
    alpha[j] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let j = 0; j < h; j++) {
    const e = Math.exp(alpha[j] - max);
    alpha[j] = e;
    sum += e;
  }
  for (let j = 0; j < h; j++) alpha[j] /= sum;
}

/** Softmax of v[0..length) in place. */
function softmaxInPlace(v: Float64Array, length: number): void {
  let max = -Infinity;
  for (let k = 0; k < length; k++) if (v[k] > max) max = v[k];
  let sum = 0;
  for (let k = 0; k < length; k++) {
    v[k] = Math.exp(v[k] - max);
    sum += v[k];
  }
  for (let k = 0; k < length; k++) v[k] /= sum;
}
