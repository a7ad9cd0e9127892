import * as tf from './tensorflow';
import { TASKS, type TaskName } from './emotion-tasks';
import { TaskAttention, attentionWeights, type AttentionWeighting } from './task-attention-layer';

/** The choices the paper leaves open, plus the ablations of its Table 2. */
export interface Architecture {
  inputLength: number;
  /** Units of the shared SELU layer (the paper: 128). */
  hiddenUnits: number;
  /** 'none' = no attention layer (plain DNN / multi-task DNN). */
  attention: AttentionWeighting | 'none';
  attentionScale: 'paper' | 'units';
  /** 'multi' = emotion, valence, activation heads; 'emotion' = the emotion head only. */
  tasks: 'multi' | 'emotion';
}

export function taskNamesOf(architecture: Architecture): TaskName[] {
  return architecture.tasks === 'multi' ? [...TASKS] : ['emotion'];
}

const TASK_CLASS_COUNTS: Record<TaskName, number> = { emotion: 4, valence: 2, activation: 2 };

/**
 * Builds MT-A-DNN as a tfjs LayersModel: input -> Dense(hidden, SELU) 'shared' -> per task
 * TaskAttention '<task>_attention' -> Dense(softmax) '<task>'. Outputs are in taskNamesOf() order.
 */
export function buildMtADnn(architecture: Architecture, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [architecture.inputLength], name: 'features' });
  const shared = tf.layers
    .dense({
      units: architecture.hiddenUnits,
      activation: 'selu',
      kernelInitializer: tf.initializers.leCunNormal({ seed }),
      name: 'shared',
    })
    .apply(input) as tf.SymbolicTensor;
  const outputs = taskNamesOf(architecture).map((task, i) => {
    const attended =
      architecture.attention === 'none'
        ? shared
        : (new TaskAttention({
            name: `${task}_attention`,
            weighting: architecture.attention,
            scale: architecture.attentionScale,
          }).apply(shared) as tf.SymbolicTensor);
    return tf.layers
      .dense({
        units: TASK_CLASS_COUNTS[task],
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 + i }),
        name: task,
      })
      .apply(attended) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs, name: 'mt_a_dnn' });
}

/** Everything one forward pass gives, as tensors owned by the caller. */
export interface ForwardResult {
  probabilities: Partial<Record<TaskName, tf.Tensor2D>>;
  attention?: Partial<Record<TaskName, tf.Tensor2D>>;
}

/**
 * The forward pass layer by layer, so training can drop out units of the shared layer with a
 * seeded mask and inference can read the attention weights. Call inside tf.tidy.
 */
export function forward(
  model: tf.LayersModel,
  architecture: Architecture,
  x: tf.Tensor2D,
  options: { dropoutMask?: tf.Tensor2D; withAttention?: boolean } = {},
): ForwardResult {
  let y = model.getLayer('shared').apply(x) as tf.Tensor2D;
  if (options.dropoutMask) y = tf.mul(y, options.dropoutMask);
  const result: ForwardResult = { probabilities: {} };
  if (options.withAttention && architecture.attention !== 'none') result.attention = {};
  for (const task of taskNamesOf(architecture)) {
    let z = y;
    if (architecture.attention !== 'none') {
      const layer = model.getLayer(`${task}_attention`) as TaskAttention;
      z = layer.apply(y) as tf.Tensor2D;
      if (result.attention) {
        result.attention[task] = attentionWeights(y, layer.uValue(), 'paper') as tf.Tensor2D;
      }
    }
    result.probabilities[task] = model.getLayer(task).apply(z) as tf.Tensor2D;
  }
  return result;
}

/** Kernels that L2 regularisation applies to (not biases, not u). */
export function kernelsOf(model: tf.LayersModel): tf.Tensor[] {
  return model.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => w.read());
}
