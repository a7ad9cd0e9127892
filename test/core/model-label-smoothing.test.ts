import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/model/backend';
import { EmotionModel } from '../../src/core/model/emotion-model';
import type { ModelMetadata } from '../../src/core/model/model-metadata';
import { trainMtADnn } from '../../src/core/training/train-mt-a-dnn';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions } from '../../src/core/training/training-options';
import { goldenRavdessVectors } from './model-fixtures';

before(async () => {
  await initBackend();
});

/** Mean probability of the most likely emotion on the training vectors themselves. */
async function meanConfidence(labelSmoothing: number): Promise<number> {
  const data = goldenRavdessVectors();
  const options = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, {
    maxEpochs: 150,
    dropout: 0,
    noiseAugmentation: undefined,
    normalisation: 'global',
    seed: 3,
    labelSmoothing,
  });
  const net = await trainMtADnn(data, options);
  const model = new EmotionModel(net.model, {
    standardisation: net.standardisation,
    architecture: net.architecture,
    vectorLength: net.architecture.inputLength,
  } as ModelMetadata);
  const confidences = model.predict(data.vectors).map((p) => p.confidence);
  model.dispose();
  return confidences.reduce((a, b) => a + b, 0) / confidences.length;
}

test('label smoothing keeps the model from becoming certain of its training clips', async () => {
  const plain = await meanConfidence(0);
  const smoothed = await meanConfidence(0.4);
  // A target of 0.6 + 0.4 / 4 = 0.7 for the true class: the fit approaches it instead of 1.
  assert.ok(plain > 0.9, `without smoothing the training clips are learned with confidence ${plain.toFixed(3)}`);
  assert.ok(smoothed < 0.8, `with smoothing 0.4 the confidence is ${smoothed.toFixed(3)}`);
});
