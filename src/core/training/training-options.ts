import type { Architecture } from '../model/mt-a-dnn';
import type { TaskName } from '../model/emotion-tasks';
import { DEFAULT_NOISE_AUGMENTATION, type NoiseAugmentation } from './noise-augmentation';
import type { RoomDeviceAugmentation } from './room-device-augmentation';
import type { SpeedPerturbation } from './speed-perturbation';

export interface TrainingOptions {
  architecture: Omit<Architecture, 'inputLength'>;
  /** Weights of the emotion, valence and activation cross-entropies in the loss. */
  lossWeights: Record<TaskName, number>;
  /** Rate of dropout on the shared layer's output during training. */
  dropout: number;
  /** L2 penalty on the dense kernels. */
  l2: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation UAR (0 = train maxEpochs). */
  patience: number;
  /** Share of training speakers held out for early stopping (0 = none: train maxEpochs). */
  validationShare: number;
  /** Weight each class inversely to its frequency (RAVDESS has half as many neutral clips). */
  classWeighting: boolean;
  /** Share of every one-hot target spread evenly over the task's classes (label smoothing); absent = 0. */
  labelSmoothing?: number;
  normalisation: 'global' | 'per-stream';
  /** Features of the speech only: leading and trailing silence of each clip cut before extraction. */
  speechOnly: boolean;
  /** Spectral subtraction of each clip's stationary noise floor before features (training and inference); absent = off. */
  denoise?: boolean;
  /** Noisy copies of the training clips (white, pink, babble at random SNRs) besides the clean ones; absent = none. */
  noiseAugmentation?: NoiseAugmentation;
  /** Copies of the clean training clips played faster or slower (pitch and formants shifted); absent = none. */
  speedPerturbation?: SpeedPerturbation;
  /** Copies of the clean training clips in simulated rooms and devices (reverberation, band limits); absent = none. */
  roomDevice?: RoomDeviceAugmentation;
  /**
   * Clip-vector entries the net never sees (groups such as `mfcc-means`, short-term features such as `mfcc_1`, or
   * entries such as `energy_mean`; see features/dropped-features.ts): set to 0, their training mean, after normalisation
   * in training and inference alike; the net keeps its input length. Absent = none.
   */
  dropFeatures?: string[];
  seed: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  architecture: { hiddenUnits: 128, attention: 'vector', attentionScale: 'units', tasks: 'multi' },
  lossWeights: { emotion: 1, valence: 0.5, activation: 0.5 },
  dropout: 0.3,
  l2: 1e-4,
  learningRate: 1e-3,
  batchSize: 32,
  // 15 epochs over the clean clips and their 6 noisy copies (60 before noise augmentation, docs/evaluation.md).
  maxEpochs: 15,
  patience: 0,
  validationShare: 0,
  classWeighting: true,
  normalisation: 'per-stream',
  speechOnly: true,
  noiseAugmentation: DEFAULT_NOISE_AUGMENTATION,
  seed: 42,
};

/** The model and training as the paper describes them; the choices the paper leaves open take the values below. */
export const PAPER_TRAINING_OPTIONS: TrainingOptions = {
  ...DEFAULT_TRAINING_OPTIONS,
  maxEpochs: 150,
  patience: 20,
  validationShare: 0.15,
  architecture: { hiddenUnits: 128, attention: 'vector', attentionScale: 'paper', tasks: 'multi' },
  lossWeights: { emotion: 1, valence: 1, activation: 1 },
  dropout: 0,
  l2: 0,
  classWeighting: false,
  normalisation: 'global',
  speechOnly: false,
  noiseAugmentation: undefined,
};

export function mergeTrainingOptions(base: TrainingOptions, patch: Partial<TrainingOptions>): TrainingOptions {
  return {
    ...base,
    ...patch,
    architecture: { ...base.architecture, ...(patch.architecture ?? {}) },
    lossWeights: { ...base.lossWeights, ...(patch.lossWeights ?? {}) },
  };
}
