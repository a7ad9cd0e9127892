// Inference without tfjs: measured on this package, a tfjs model call costs about 0.4 ms of CPU however
// few windows it holds (1.2-1.8 ms in a running flow), while MT-A-DNN is about 10k multiply-adds and a
// few hundred exps per window. The same arithmetic over the weights as plain Float32Arrays costs tens of
// microseconds and runs on Node-RED's main thread without any tensor. tfjs stays for loading and training.
import type * as tf from './tensorflow';
import { taskNamesOf, type Architecture } from './mt-a-dnn';
import type { TaskName } from './emotion-tasks';

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

/** A Dense layer's weights: kernel row-major [inputs, units] as tfjs stores it. */
interface DenseWeights {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array | undefined;
  activation: string;
}

interface TaskHead {
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

/** The forward pass of one MT-A-DNN net (see buildMtADnn and forward in mt-a-dnn.ts) over copies of its weights. */
export class PlainForwardPass {
  private readonly hiddenOut: Float64Array;
  private readonly attended: Float64Array;

  private constructor(
    private readonly shared: DenseWeights,
    private readonly heads: TaskHead[],
  ) {
    this.hiddenOut = new Float64Array(shared.units);
    this.attended = new Float64Array(shared.units);
  }

  /** Copies the weights of a built or loaded net once; keeps no tensor. */
  static fromNet(net: tf.LayersModel, architecture: Architecture): PlainForwardPass {
    const shared = denseWeights(net.getLayer('shared'), architecture.inputLength);
    if (shared.units !== architecture.hiddenUnits) {
      throw new Error(`layer "shared" has ${shared.units} units, the architecture says ${architecture.hiddenUnits}`);
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
    if (!ACTIVATIONS[shared.activation])
      throw new Error(`layer "shared" has activation ${shared.activation}, which the plain forward pass does not know`);
    return new PlainForwardPass(shared, heads);
  }

  /** Forward pass for `rows` standardised vectors laid out row-major in `input`. */
  run(input: Float32Array, rows: number, options: { withAttention?: boolean } = {}): PlainForwardResult {
    const { shared, heads, hiddenOut: y, attended: z } = this;
    const n = shared.inputs;
    const h = shared.units;
    if (input.length !== rows * n) throw new Error(`input has ${input.length} values, ${rows} rows of ${n} expected`);
    const activation = ACTIVATIONS[shared.activation];
    const result: PlainForwardResult = { probabilities: {} };
    for (const head of heads) result.probabilities[head.task] = new Float64Array(rows * head.dense.units);
    if (options.withAttention && heads[0].u) {
      result.attention = {};
      for (const head of heads) result.attention[head.task] = new Float64Array(rows * h);
    }
    for (let r = 0; r < rows; r++) {
      denseInto(shared, input, r * n, y);
      for (let j = 0; j < h; j++) y[j] = activation(y[j]);
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
        const out = result.probabilities[head.task]!;
        const c = head.dense.units;
        const logits = out.subarray(r * c, (r + 1) * c);
        denseInto(head.dense, z, 0, logits);
        softmaxInPlace(logits);
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
  return {
    inputs,
    units,
    kernel: kernel.dataSync() as Float32Array,
    bias: bias ? (bias.dataSync() as Float32Array) : undefined,
    activation: String(config.activation ?? 'linear'),
  };
}

/** out[0..units) = x[offset..offset+inputs) · kernel + bias, before the activation. */
function denseInto(dense: DenseWeights, x: ArrayLike<number>, offset: number, out: Float64Array): void {
  const { inputs, units, kernel, bias } = dense;
  if (bias) for (let j = 0; j < units; j++) out[j] = bias[j];
  else out.fill(0, 0, units);
  for (let i = 0; i < inputs; i++) {
    const xi = x[offset + i];
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] += xi * kernel[row + j];
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

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < v.length; k++) if (v[k] > max) max = v[k];
  let sum = 0;
  for (let k = 0; k < v.length; k++) {
    v[k] = Math.exp(v[k] - max);
    sum += v[k];
  }
  for (let k = 0; k < v.length; k++) v[k] /= sum;
}
