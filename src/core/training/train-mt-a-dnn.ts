import * as tf from '../model/tensorflow';
import { EMOTIONS } from '../messages';
import { argmax } from '../model/argmax';
import { classificationMetrics } from './classification-metrics';
import { TASK_CLASSES, taskLabelsOf, type TaskName } from '../model/emotion-tasks';
import { streamsOf, subsetOf, type LabelledVectors } from './labelled-vectors';
import type { ModelMetadata, NormalisationSpec } from '../model/model-metadata';
import { EmotionModel } from '../model/emotion-model';
import { buildMtADnn, forward, kernelsOf, taskNamesOf, type Architecture } from '../model/mt-a-dnn';
import { normaliseByGroup } from '../model/running-normaliser';
import { SeededRandom } from './seeded-random';
import { holdOutSpeakers } from './speaker-folds';
import { droppedFeatureIndices, droppedFeatureNames, zeroDroppedInputs } from '../features/dropped-features';
import { featureProfileOfLength } from '../features/feature-profile-registry';
import { fitStandardisation, standardise, type Standardisation } from '../model/standardiser';
import type { TrainingOptions } from './training-options';

export interface EpochReport {
  epoch: number;
  maxEpochs: number;
  loss: number;
  validationUar?: number;
  bestEpoch: number;
}

export interface TrainedNetwork {
  model: tf.LayersModel;
  architecture: Architecture;
  standardisation: Standardisation;
  normalisation: NormalisationSpec;
  /** Vector entries the net was trained without (options.dropFeatures resolved); absent = none. */
  droppedFeatures?: string[];
  /** Epochs whose weights were kept (the best on validation, or the last). */
  epochs: number;
  validationUar?: number;
}

/** Per-stream normaliser settings used at inference for models trained with per-speaker statistics. */
export const PER_STREAM_DEFAULTS = { priorWeight: 4, memory: 200 };

/**
 * Trains MT-A-DNN (or an ablation, per options.architecture) with a seeded custom loop: Adam,
 * weighted sum of per-task cross-entropies, class weights, seeded dropout on the shared layer,
 * L2 on kernels, early stopping on the UAR of held-out speakers (best weights restored).
 */
export async function trainMtADnn(
  data: LabelledVectors,
  options: TrainingOptions,
  onEpoch?: (report: EpochReport) => void | Promise<void>,
): Promise<TrainedNetwork> {
  if (data.vectors.length === 0) throw new Error('no training examples');
  const rng = new SeededRandom(options.seed);
  const validationSpeakers =
    options.patience > 0 ? holdOutSpeakers(data.speakers, options.validationShare, rng.nextSeed()) : new Set<string>();
  const trainIdx: number[] = [];
  const validIdx: number[] = [];
  data.speakers.forEach((s, i) => (validationSpeakers.has(s) ? validIdx : trainIdx).push(i));

  const prior = fitStandardisation(data.vectors);
  const prepared = options.normalisation === 'per-stream' ? normaliseByGroup(data.vectors, streamsOf(data)) : data.vectors;
  const train = subsetOf({ ...data, vectors: prepared }, trainIdx);
  const standardisation = fitStandardisation(train.vectors);
  const inputLength = data.vectors[0].length;
  const architecture: Architecture = { ...options.architecture, inputLength };
  const tasks = taskNamesOf(architecture);
  const vectorNames = options.dropFeatures?.length ? featureProfileOfLength(inputLength).vectorNames : [];
  const droppedFeatures = options.dropFeatures?.length ? droppedFeatureNames(options.dropFeatures, vectorNames) : [];
  const droppedInputs = droppedFeatureIndices(droppedFeatures, vectorNames);

  const model = buildMtADnn(architecture, rng.nextSeed());
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = kernelsOf(model);

  const toMatrix = (vectors: ArrayLike<number>[]) => {
    const flat = new Float32Array(vectors.length * inputLength);
    vectors.forEach((v, i) => flat.set(standardise(v, standardisation), i * inputLength));
    zeroDroppedInputs(flat, inputLength, droppedInputs);
    return tf.tensor2d(flat, [vectors.length, inputLength]);
  };
  const xTrain = toMatrix(train.vectors);
  const oneHot: Partial<Record<TaskName, tf.Tensor2D>> = {};
  const smoothing = options.labelSmoothing ?? 0;
  for (const task of tasks) {
    const classes = TASK_CLASSES[task].length;
    oneHot[task] = tf.tidy(() =>
      tf.add(
        tf.mul(
          tf.cast(
            tf.oneHot(
              tf.tensor1d(
                train.labels.map((l) => taskLabelsOf(l)[task]),
                'int32',
              ),
              classes,
            ),
            'float32',
          ),
          1 - smoothing,
        ),
        smoothing / classes,
      ),
    ) as tf.Tensor2D;
  }
  const classWeights = classWeightsOf(train.labels, options.classWeighting);
  const sampleWeights = tf.tensor1d(train.labels.map((l) => classWeights[l]));
  const valid = validIdx.length ? subsetOf({ ...data, vectors: prepared }, validIdx) : undefined;
  const xValid = valid ? toMatrix(valid.vectors) : undefined;

  let best: { uar: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let epochsRun = 0;
  const order = trainIdx.map((_, i) => i);
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += options.batchSize) {
        const batchIdx = order.slice(start, start + options.batchSize);
        const dropoutSeed = rng.nextSeed();
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(batchIdx, 'int32');
          const x = tf.gather(xTrain, idx) as tf.Tensor2D;
          const w = tf.gather(sampleWeights, idx);
          const mask =
            options.dropout > 0
              ? (tf.div(
                  tf.cast(
                    tf.greaterEqual(
                      tf.randomUniform([batchIdx.length, architecture.hiddenUnits], 0, 1, 'float32', dropoutSeed),
                      options.dropout,
                    ),
                    'float32',
                  ),
                  1 - options.dropout,
                ) as tf.Tensor2D)
              : undefined;
          return optimizer.minimize(
            () => {
              const out = forward(model, architecture, x, { dropoutMask: mask });
              let total = tf.scalar(0);
              for (const task of tasks) {
                const p = out.probabilities[task]!;
                const y = tf.gather(oneHot[task]!, idx);
                const ce = tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), 1));
                total = tf.add(total, tf.mul(tf.div(tf.sum(tf.mul(ce, w)), tf.sum(w)), options.lossWeights[task]));
              }
              if (options.l2 > 0) {
                for (const k of kernels) total = tf.add(total, tf.mul(tf.sum(tf.square(k)), options.l2));
              }
              return total as tf.Scalar;
            },
            true,
            variables,
          ) as tf.Scalar;
        });
        lossSum += (await loss.data())[0];
        loss.dispose();
        batches++;
      }
      epochsRun = epoch;
      let validationUar: number | undefined;
      if (valid && xValid) {
        const probs = tf.tidy(() => forward(model, architecture, xValid).probabilities.emotion!.arraySync());
        validationUar = classificationMetrics(valid.labels, probs.map(argmax), EMOTIONS).uar;
        if (!best || validationUar > best.uar) {
          best?.weights.forEach((t) => t.dispose());
          best = { uar: validationUar, epoch, weights: model.getWeights().map((t) => t.clone()) };
        }
      }
      await onEpoch?.({ epoch, maxEpochs: options.maxEpochs, loss: lossSum / batches, validationUar, bestEpoch: best?.epoch ?? epoch });
      if (best && options.patience > 0 && epoch - best.epoch >= options.patience) break;
    }
    if (best) model.setWeights(best.weights);
  } finally {
    best?.weights.forEach((t) => t.dispose());
    xTrain.dispose();
    xValid?.dispose();
    sampleWeights.dispose();
    Object.values(oneHot).forEach((t) => t?.dispose());
    optimizer.dispose();
  }
  return {
    model,
    architecture,
    standardisation,
    normalisation: options.normalisation === 'per-stream' ? { mode: 'per-stream', prior, ...PER_STREAM_DEFAULTS } : { mode: 'global' },
    ...(droppedFeatures.length ? { droppedFeatures } : {}),
    epochs: best?.epoch ?? epochsRun,
    validationUar: best?.uar,
  };
}

/** n / (classes * count) per class, or all ones. */
function classWeightsOf(labels: number[], enabled: boolean): number[] {
  const counts = new Array<number>(EMOTIONS.length).fill(0);
  labels.forEach((l) => counts[l]++);
  return counts.map((c) => (enabled && c > 0 ? labels.length / (EMOTIONS.length * c) : 1));
}

/** A just-trained net as an EmotionModel for scoring test vectors (no metadata beyond what predict needs). */
export function modelForEvaluation(net: TrainedNetwork): EmotionModel {
  return new EmotionModel(net.model, {
    standardisation: net.standardisation,
    architecture: net.architecture,
    vectorLength: net.architecture.inputLength,
    ...(net.droppedFeatures ? { droppedFeatures: net.droppedFeatures } : {}),
  } as ModelMetadata);
}
