import * as tf from './tensorflow';

/** Whether each task learns one attention weight u per hidden unit ('vector') or one for all ('scalar'). */
export type AttentionWeighting = 'vector' | 'scalar';

export interface TaskAttentionArgs {
  name?: string;
  weighting: AttentionWeighting;
  /**
   * The paper's z = α ⊙ y shrinks the shared layer's output by the number of units (α sums to 1);
   * 'units' multiplies by that number so that a uniform α leaves y unchanged.
   */
  scale: 'paper' | 'units';
}

/**
 * The paper's per-task "weighted pooling with attention": α = softmax(u ⊙ y) over the units of the
 * shared layer, z = α ⊙ y. Registered with tfjs serialization so a saved model loads again.
 */
export class TaskAttention extends tf.layers.Layer {
  static className = 'TaskAttention';
  readonly weighting: AttentionWeighting;
  readonly scale: 'paper' | 'units';
  private u?: tf.LayerVariable;

  constructor(args: TaskAttentionArgs) {
    super({ name: args.name });
    this.weighting = args.weighting;
    this.scale = args.scale;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const units = shape[shape.length - 1] as number;
    // Zero u means uniform attention at the start of training.
    this.u = this.addWeight('u', this.weighting === 'vector' ? [units] : [1], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const y = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(attentionWeights(y, this.uValue(), this.scale), y);
    });
  }

  /** The current u (not a copy: do not dispose). */
  uValue(): tf.Tensor {
    if (!this.u) throw new Error(`${this.name} is not built`);
    return this.u.read();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weighting: this.weighting, scale: this.scale };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as TaskAttentionArgs);
  }
}
tf.serialization.registerClass(TaskAttention);

/** α = softmax(u ⊙ y) over the last axis, times the number of units when scale is 'units'. */
export function attentionWeights(y: tf.Tensor, u: tf.Tensor, scale: 'paper' | 'units'): tf.Tensor {
  return tf.tidy(() => {
    const alpha = tf.softmax(tf.mul(y, u), -1);
    return scale === 'units' ? tf.mul(alpha, y.shape[y.shape.length - 1] as number) : alpha;
  });
}
