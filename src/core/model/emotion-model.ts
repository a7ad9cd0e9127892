import * as tf from './tensorflow';
import { EMOTIONS, type EmotionPrediction } from '../messages';
import { droppedFeatureIndices, zeroDroppedInputs } from '../features/dropped-features';
import { featureProfileOfLength, getFeatureProfile } from '../features/feature-profile-registry';
import { TASK_CLASSES, TASKS } from './emotion-tasks';
import { loadModelFiles, saveModelFiles } from './model-files';
import type { ModelMetadata } from './model-metadata';
import { taskNamesOf } from './mt-a-dnn';
import { PlainForwardPass, type PlainForwardResult } from './plain-forward-pass';
import { RunningNormaliser } from './running-normaliser';
import { standardise } from './standardiser';

/** What the model says about one vector; valence and activation are derived from emotion if the model has no such head. */
export type TaskOutputs = Omit<EmotionPrediction, 'streamId' | 'start' | 'end'>;

/** How many training standard deviations away a feature value is refused as impossible (see checkPlausible). */
export const IMPLAUSIBLE_DEVIATIONS = 1e4;

/**
 * A trained MT-A-DNN (one net, or an ensemble of nets with the same input whose probabilities are averaged)
 * with its metadata: checks inputs, standardises them and runs one batched forward pass through each net.
 * Holds tensors (the weights): call dispose() when done.
 */
export class EmotionModel {
  private disposed = false;
  /** The nets: one, or the members of an ensemble. */
  readonly members: readonly tf.LayersModel[];
  /** Each member's forward pass in plain JavaScript (see plain-forward-pass.ts for why not tfjs). */
  private readonly passes: readonly PlainForwardPass[];
  /** Inputs the net was trained without (metadata.droppedFeatures): 0 whatever the vector holds. */
  private readonly droppedInputs: readonly number[];

  constructor(
    nets: tf.LayersModel | readonly tf.LayersModel[],
    readonly metadata: ModelMetadata,
  ) {
    this.members = Array.isArray(nets) ? [...nets] : [nets as tf.LayersModel];
    if (this.members.length === 0) throw new Error('a model needs at least one net');
    this.passes = this.members.map((net) => PlainForwardPass.fromNet(net, metadata.architecture));
    this.droppedInputs = droppedInputsOf(metadata);
  }

  static async load(dir: string): Promise<EmotionModel> {
    const { members, metadata } = await loadModelFiles(dir);
    return new EmotionModel(members, metadata);
  }

  save(dir: string): Promise<void> {
    return saveModelFiles(dir, this.members, this.metadata);
  }

  get featureProfile(): string {
    return this.metadata.featureProfile;
  }

  get vectorLength(): number {
    return this.metadata.vectorLength;
  }

  /** A fresh per-stream normaliser if the model expects one, else undefined. */
  createStreamNormaliser(): RunningNormaliser | undefined {
    const spec = this.metadata.normalisation;
    if (spec.mode !== 'per-stream' || !spec.prior) return undefined;
    return new RunningNormaliser({ prior: spec.prior, priorWeight: spec.priorWeight ?? 4, memory: spec.memory ?? 200 });
  }

  /** Throws an error naming both sides if a vector does not fit this model. */
  checkInput(vector: ArrayLike<number>, profile?: string): void {
    if (profile !== undefined && profile !== this.featureProfile) {
      throw new Error(
        `feature profile "${profile}" does not match the model's profile "${this.featureProfile}" (${this.vectorLength} values)`,
      );
    }
    if (vector.length !== this.vectorLength) {
      throw new Error(
        `feature vector has ${vector.length} values, the model expects ${this.vectorLength} (profile "${this.featureProfile}")`,
      );
    }
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i])) throw new Error(`feature vector value ${i} is not a finite number`);
    }
  }

  /**
   * Throws for a vector no audio can produce: a value further from the training data than
   * IMPLAUSIBLE_DEVIATIONS of its standard deviations (at least IMPLAUSIBLE_DEVIATIONS / 1000 in absolute terms).
   * Such a vector would drag a stream's running normaliser away for hundreds of windows.
   */
  checkPlausible(vector: ArrayLike<number>): void {
    const reference = this.metadata.normalisation.prior ?? this.metadata.standardisation;
    for (let i = 0; i < vector.length; i++) {
      const scale = Math.max(reference.std[i], 1e-3);
      if (Math.abs(vector[i] - reference.mean[i]) > IMPLAUSIBLE_DEVIATIONS * scale) {
        throw new Error(
          `feature vector value ${i} (${vector[i]}) is far outside anything audio gives (training mean ${reference.mean[i].toPrecision(3)}, ` +
            `std ${reference.std[i].toPrecision(3)}): refused, so that it does not skew the stream's calibration`,
        );
      }
    }
  }

  /**
   * One forward pass for many vectors (one batch through each net of an ensemble, probabilities averaged).
   * Vectors must already be per-stream normalised if the model's metadata says so (see createStreamNormaliser).
   * Attention weights, when asked for, are those of the first net: each net's hidden units are its own.
   */
  predict(vectors: ArrayLike<number>[], options: { attention?: boolean } = {}): TaskOutputs[] {
    if (this.disposed) throw new Error('the model was disposed');
    if (vectors.length === 0) return [];
    const n = this.vectorLength;
    const flat = new Float32Array(vectors.length * n);
    const row = new Float32Array(n);
    vectors.forEach((v, i) => {
      this.checkInput(v);
      flat.set(standardise(v, this.metadata.standardisation, row), i * n);
    });
    zeroDroppedInputs(flat, n, this.droppedInputs);
    const rows = vectors.length;
    const outs = this.passes.map((pass, i) => pass.run(flat, rows, { withAttention: options.attention && i === 0 }));
    const probabilities = outs[0].probabilities;
    if (outs.length > 1) {
      for (const task of taskNamesOf(this.metadata.architecture)) {
        const mean = probabilities[task]!;
        for (const out of outs.slice(1)) {
          const each = out.probabilities[task]!;
          for (let k = 0; k < mean.length; k++) mean[k] += each[k];
        }
        for (let k = 0; k < mean.length; k++) mean[k] /= outs.length;
      }
    }
    const attention = outs[0].attention;
    return vectors.map((_, i) => toTaskOutputs(i, rows, probabilities, attention));
  }

  /**
   * Runs `windows` predictions on made-up vectors (the training mean plus deterministic noise of one standard
   * deviation), one window a call and in fours, so that the first real windows do not run cold code: measured on
   * the shipped model (scripts/bench/first-predictions.ts), a process's first 100 predictions took 560-600 CPU µs
   * each without it, 94-106 after it (the warm-up 134-162 ms once), later ones 40-100. Keeps nothing: predictions
   * depend on their input only.
   */
  warmUp(windows = 400): void {
    const { mean, std } = this.metadata.standardisation;
    let seed = 12345;
    const noise = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 0x80000000 - 1;
    };
    const vector = () => mean.map((m, i) => m + noise() * std[i]);
    for (let done = 0; done < windows; done += done % 8 < 4 ? 1 : 4) {
      this.predict(done % 8 < 4 ? [vector()] : [vector(), vector(), vector(), vector()]);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const net of this.members) net.dispose();
  }
}

function droppedInputsOf(metadata: ModelMetadata): number[] {
  const dropped = metadata.droppedFeatures ?? [];
  if (dropped.length === 0) return [];
  const profile = metadata.featureProfile ? getFeatureProfile(metadata.featureProfile) : featureProfileOfLength(metadata.vectorLength);
  return droppedFeatureIndices(dropped, profile.vectorNames);
}

/** Row i of the batch's outputs as a prediction (loops and plain objects: it runs for every window on Node-RED's thread). */
function toTaskOutputs(
  i: number,
  rows: number,
  probabilities: PlainForwardResult['probabilities'],
  attention: PlainForwardResult['attention'],
): TaskOutputs {
  const emotions = probabilities.emotion!;
  const first = i * EMOTIONS.length;
  const e = {} as Record<(typeof EMOTIONS)[number], number>;
  let best = 0;
  for (let j = 0; j < EMOTIONS.length; j++) {
    e[EMOTIONS[j]] = emotions[first + j];
    if (emotions[first + j] > emotions[first + best]) best = j;
  }
  // Without valence/activation heads, derive them from the emotion probabilities.
  const valence = probabilities.valence;
  const negative = valence ? valence[2 * i] : e.anger + e.sadness;
  const positive = valence ? valence[2 * i + 1] : e.happiness + e.neutral;
  const activation = probabilities.activation;
  const low = activation ? activation[2 * i] : e.neutral + e.sadness;
  const high = activation ? activation[2 * i + 1] : e.anger + e.happiness;
  const result: TaskOutputs = {
    emotion: EMOTIONS[best],
    confidence: emotions[first + best],
    probabilities: e,
    valence: {
      label: TASK_CLASSES.valence[positive > negative ? 1 : 0] as TaskOutputs['valence']['label'],
      probabilities: { negative, positive },
    },
    activation: {
      label: TASK_CLASSES.activation[high > low ? 1 : 0] as TaskOutputs['activation']['label'],
      probabilities: { low, high },
    },
  };
  if (attention) {
    const alphaOf = (values: Float64Array | undefined) => {
      if (!values) return [];
      const width = values.length / rows;
      return Array.from(values.subarray(i * width, (i + 1) * width));
    };
    result.attention = {
      emotion: alphaOf(attention.emotion),
      valence: alphaOf(attention.valence),
      activation: alphaOf(attention.activation),
    };
  }
  return result;
}

export { TASKS };
