import { EMOTIONS } from '../messages';
import { trainRandomForest, trainSvm, type TrainedClassifier } from './baseline-classifiers';
import { argmax } from '../model/argmax';
import { classificationMetrics } from './classification-metrics';
import { concatVectors, streamsOf, type LabelledVectors } from './labelled-vectors';
import type { ClassificationMetrics } from '../model/model-metadata';
import { normaliseByGroup } from '../model/running-normaliser';
import { speakerFolds } from './speaker-folds';
import { fitStandardisation } from '../model/standardiser';
import { normaliseAsStreams } from './stream-simulation';
import { PER_STREAM_DEFAULTS, modelForEvaluation, trainMtADnn } from './train-mt-a-dnn';
import { mergeTrainingOptions, type TrainingOptions } from './training-options';

/** The models of the paper's Table 2, plus the multi-task DNN without attention as an ablation. */
export type ClassifierKind = 'svm' | 'random-forest' | 'dnn' | 'mt-dnn' | 'mt-a-dnn';
export const TABLE2_KINDS: ClassifierKind[] = ['svm', 'random-forest', 'dnn', 'mt-a-dnn'];

export interface CrossValidationOptions {
  folds: number;
  seed: number;
  kinds: ClassifierKind[];
  /** Options of the neural models; the architecture is overridden for 'dnn' and 'mt-dnn'. */
  training: TrainingOptions;
  /** Training crops (the paper's augmentation); tested on whole clips only. */
  augmented?: LabelledVectors;
  /** More training examples (e.g. noisy copies), used only where their speaker is in a fold's training part. */
  extraTraining?: LabelledVectors;
  /** Seeds the models' initialisation and shuffling (default: seed); the folds always follow seed. */
  modelSeed?: number;
  /** Further test sets aligned with the data (same clips, e.g. with noise): scored on the same folds and models. */
  extraTestSets?: { name: string; data: LabelledVectors }[];
  onFold?: (info: { kind: ClassifierKind; fold: number; folds: number; metrics: ClassificationMetrics }) => void;
}

export interface CrossValidationResult {
  kind: ClassifierKind;
  /** Pooled over all test folds. */
  metrics: ClassificationMetrics;
  foldMetrics: ClassificationMetrics[];
  predictions: number[];
  /** Pooled metrics on each extra test set. */
  extra: Record<string, ClassificationMetrics>;
  /** Predictions on each extra test set, aligned with the data. */
  extraPredictions: Record<string, number[]>;
}

/**
 * k-fold cross-validation by speaker groups: no speaker is in both the training and the test
 * part of a fold. Every kind sees the same folds, features and normalisation.
 */
export async function crossValidate(data: LabelledVectors, options: CrossValidationOptions): Promise<CrossValidationResult[]> {
  const folds = speakerFolds(data.speakers, options.folds, options.seed);
  const clean = options.augmented ?? data;
  const trainSource = options.extraTraining ? concatVectors(clean, options.extraTraining) : clean;
  const trainStreams = streamsOf(trainSource);
  const extraSets = options.extraTestSets ?? [];
  const results = new Map<ClassifierKind, { predictions: number[]; foldMetrics: ClassificationMetrics[]; extra: number[][] }>();
  for (const kind of options.kinds) {
    results.set(kind, {
      predictions: new Array(data.labels.length).fill(-1),
      foldMetrics: [],
      extra: extraSets.map(() => new Array(data.labels.length).fill(-1)),
    });
  }

  for (const [f, testIdx] of folds.entries()) {
    const testSpeakers = new Set(testIdx.map((i) => data.speakers[i]));
    const trainIdx = trainSource.speakers.map((s, i) => (testSpeakers.has(s) ? -1 : i)).filter((i) => i >= 0);
    const rawTrain = trainIdx.map((i) => trainSource.vectors[i]);
    const trainLabels = trainIdx.map((i) => trainSource.labels[i]);
    const trainSpeakers = trainIdx.map((i) => trainSource.speakers[i]);
    const streams = trainIdx.map((i) => trainStreams[i]);
    const rawTest = testIdx.map((i) => data.vectors[i]);
    const perStream = options.training.normalisation === 'per-stream';
    const trainVectors: ArrayLike<number>[] = perStream ? normaliseByGroup(rawTrain, streams) : rawTrain;
    const prior = perStream ? fitStandardisation(rawTrain) : undefined;
    const prepareTest = (vectors: ArrayLike<number>[]) =>
      prior
        ? normaliseAsStreams(
            vectors,
            testIdx.map((i) => data.speakers[i]),
            { prior, ...PER_STREAM_DEFAULTS },
            options.seed + f,
          )
        : vectors;
    const testVectors = prepareTest(rawTest);
    const extraTestVectors = extraSets.map((set) => prepareTest(testIdx.map((i) => set.data.vectors[i])));
    const testLabels = testIdx.map((i) => data.labels[i]);
    for (const kind of options.kinds) {
      const classifier = await trainClassifierOfKind(
        kind,
        { vectors: trainVectors, labels: trainLabels, speakers: trainSpeakers, clips: [] },
        options.training,
        (options.modelSeed ?? options.seed) * 1000 + f,
      );
      let predicted: number[];
      const entry = results.get(kind)!;
      try {
        predicted = classifier.predict(testVectors);
        extraTestVectors.forEach((vectors, s) => {
          const p = classifier.predict(vectors);
          testIdx.forEach((i, j) => (entry.extra[s][i] = p[j]));
        });
      } finally {
        classifier.dispose();
      }
      testIdx.forEach((i, j) => (entry.predictions[i] = predicted[j]));
      const metrics = classificationMetrics(testLabels, predicted, EMOTIONS);
      entry.foldMetrics.push(metrics);
      options.onFold?.({ kind, fold: f + 1, folds: folds.length, metrics });
    }
  }
  return options.kinds.map((kind) => {
    const { predictions, foldMetrics, extra } = results.get(kind)!;
    return {
      kind,
      predictions,
      foldMetrics,
      metrics: classificationMetrics(data.labels, predictions, EMOTIONS),
      extra: Object.fromEntries(extraSets.map((set, s) => [set.name, classificationMetrics(data.labels, extra[s], EMOTIONS)])),
      extraPredictions: Object.fromEntries(extraSets.map((set, s) => [set.name, extra[s]])),
    };
  });
}

/**
 * One model of `kind` trained on vectors already normalised as the recipe says (so every kind sees the same
 * input); the neural kinds take the recipe's options with their own architecture.
 */
export async function trainClassifierOfKind(
  kind: ClassifierKind,
  train: LabelledVectors,
  trainingOptions: TrainingOptions,
  seed: number,
): Promise<TrainedClassifier> {
  if (kind === 'svm') return trainSvm(train.vectors, train.labels);
  if (kind === 'random-forest') return trainRandomForest(train.vectors, train.labels, seed);
  const architecture =
    kind === 'dnn'
      ? { ...trainingOptions.architecture, attention: 'none' as const, tasks: 'emotion' as const }
      : kind === 'mt-dnn'
        ? { ...trainingOptions.architecture, attention: 'none' as const, tasks: 'multi' as const }
        : trainingOptions.architecture;
  // The caller normalised the vectors, the same for every kind.
  const training = mergeTrainingOptions(trainingOptions, { architecture, normalisation: 'global', seed });
  const net = await trainMtADnn(train, training);
  const model = modelForEvaluation(net);
  return {
    predict: (vectors) => model.predict(vectors).map((p) => argmax(EMOTIONS.map((e) => p.probabilities[e]))),
    dispose: () => model.dispose(),
  };
}
