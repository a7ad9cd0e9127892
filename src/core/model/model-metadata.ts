import type { Architecture } from './mt-a-dnn';
import type { TaskName } from './emotion-tasks';
import type { Standardisation } from './standardiser';
import type { TrainingOptions } from '../training/training-options';

export const MODEL_FORMAT = 'speech-emotion/mt-a-dnn';

/**
 * How input vectors are normalised before the saved standardisation:
 * 'global' = not at all; 'per-stream' = z-scored by the running statistics of their own stream
 * (a speaker or microphone calibrates itself, no labels), starting from the population prior.
 */
export interface NormalisationSpec {
  mode: 'global' | 'per-stream';
  /** Population statistics of raw vectors: the running normaliser's starting point. */
  prior?: Standardisation;
  /** How many windows the prior counts for before a stream's own statistics dominate. */
  priorWeight?: number;
  /** Windows after which older windows are forgotten exponentially. */
  memory?: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  uar: number;
  recall: Record<string, number>;
  /** Rows: true class, columns: predicted class, in percent of the row. */
  confusionPercent: number[][];
  confusion: number[][];
  classes: string[];
  count: number;
}

/** Saved beside model.json as metadata.json. */
export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  formatVersion: 1;
  packageVersion: string;
  createdAt: string;
  classes: Record<TaskName, string[]>;
  featureProfile: string;
  vectorLength: number;
  architecture: Architecture;
  /**
   * An ensemble: the model.json file of each member net (same architecture and input), relative to the model
   * folder; their emotion, valence and activation probabilities are averaged. Absent: one net in model.json.
   */
  members?: string[];
  standardisation: Standardisation;
  normalisation: NormalisationSpec;
  /** Features were computed on speech only (leading/trailing silence cut): do the same at inference. */
  speechOnly?: boolean;
  /**
   * Entries of the feature vector (names of the profile's vectorNames) the net was trained without: set to 0 after
   * normalisation and standardisation, whatever the audio gives (training.options.dropFeatures, resolved). Absent = none.
   */
  droppedFeatures?: string[];
  /** Each clip's stationary noise floor was subtracted (spectral subtraction) before features: do the same at inference. */
  denoise?: boolean;
  training: {
    manifest?: string;
    clips: number;
    speakers: number;
    examples: number;
    epochs: number;
    /** Epochs kept by each net of an ensemble (epochs is the first's). */
    memberEpochs?: number[];
    options: TrainingOptions;
    dataLicence?: string;
    /** The corpora trained on, when there are several (models/default), each with where it comes from and its licence. */
    corpora?: TrainingCorpus[];
  };
  /** Metrics measured when the model was made, with how they were measured. */
  metrics?: Record<string, ClassificationMetrics & { protocol: string }>;
  /** Within-corpus cross-validation of the recipe over several fold seeds (UAR and accuracy as shares, mean and std). */
  crossValidation?: { corpus: string; uar: { mean: number; std: number }; accuracy: { mean: number; std: number }; protocol: string };
}

export interface TrainingCorpus {
  name: string;
  language: string;
  clips: number;
  speakers: number;
  source: string;
  licence: string;
}
