import type { Standardisation } from './standardiser';

export interface RunningNormaliserOptions {
  /** Population statistics to start from before the stream has shown its own. */
  prior: Standardisation;
  /** How many vectors the prior counts for. */
  priorWeight: number;
  /** After this many vectors, older ones are forgotten exponentially (the stream may change). */
  memory: number;
}

const MIN_STD = 1e-8;

/**
 * Per-stream feature normalisation with no labels: z-scores each vector by the running mean and
 * variance of its own stream (one speaker, one microphone), blended with a population prior while the
 * stream is young. Fixed size (two arrays of the vector length), so any number of streams stays bounded.
 */
export class RunningNormaliser {
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  private seen = 0;

  constructor(private readonly options: RunningNormaliserOptions) {
    const length = options.prior.mean.length;
    if (options.prior.std.length !== length) throw new Error('prior mean and std differ in length');
    this.mean = new Float64Array(length);
    this.variance = new Float64Array(length);
  }

  get vectorLength(): number {
    return this.mean.length;
  }

  /** Vectors this stream has contributed so far. */
  get count(): number {
    return this.seen;
  }

  update(vector: ArrayLike<number>): void {
    this.checkLength(vector);
    this.seen++;
    const alpha = Math.max(1 / this.seen, 1 / Math.max(1, this.options.memory));
    for (let i = 0; i < this.mean.length; i++) {
      const delta = vector[i] - this.mean[i];
      this.mean[i] += alpha * delta;
      this.variance[i] = (1 - alpha) * (this.variance[i] + alpha * delta * delta);
    }
  }

  /** The z-scored vector under the current blend of prior and stream statistics. */
  normalise(vector: ArrayLike<number>, out?: Float32Array): Float32Array {
    this.checkLength(vector);
    const result = out ?? new Float32Array(vector.length);
    const w0 = this.options.priorWeight;
    const w1 = Math.min(this.seen, Math.max(1, this.options.memory));
    const { prior } = this.options;
    for (let i = 0; i < vector.length; i++) {
      const m = (w0 * prior.mean[i] + w1 * this.mean[i]) / (w0 + w1);
      const v = (w0 * (prior.std[i] ** 2 + (prior.mean[i] - m) ** 2) + w1 * (this.variance[i] + (this.mean[i] - m) ** 2)) / (w0 + w1);
      const s = Math.sqrt(v);
      result[i] = s > MIN_STD ? (vector[i] - m) / s : 0;
    }
    return result;
  }

  private checkLength(vector: ArrayLike<number>): void {
    if (vector.length !== this.mean.length) {
      throw new Error(`vector has ${vector.length} values, the normaliser expects ${this.mean.length}`);
    }
  }
}

/** Normalises each group (speaker) by its own statistics over all its vectors: the training-time equivalent. */
export function normaliseByGroup(vectors: ArrayLike<number>[], groups: string[]): Float32Array[] {
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g) ?? [];
    list.push(i);
    byGroup.set(g, list);
  });
  const out: Float32Array[] = new Array(vectors.length);
  for (const indices of byGroup.values()) {
    const length = vectors[indices[0]].length;
    const mean = new Float64Array(length);
    const variance = new Float64Array(length);
    for (const i of indices) for (let j = 0; j < length; j++) mean[j] += vectors[i][j] / indices.length;
    for (const i of indices) for (let j = 0; j < length; j++) variance[j] += (vectors[i][j] - mean[j]) ** 2 / indices.length;
    for (const i of indices) {
      const z = new Float32Array(length);
      for (let j = 0; j < length; j++) {
        const s = Math.sqrt(variance[j]);
        z[j] = s > MIN_STD ? (vectors[i][j] - mean[j]) / s : 0;
      }
      out[i] = z;
    }
  }
  return out;
}
