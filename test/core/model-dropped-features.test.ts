import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/core/model/backend';
import { EmotionModel } from '../../src/core/model/emotion-model';
import { EmotionStreamClassifier } from '../../src/core/model/emotion-stream-classifier';
import { PAPER_PROFILE } from '../../src/core/features/feature-profile';
import { droppedFeatureNames } from '../../src/core/features/dropped-features';
import { trainingOptionsFromCli, type TrainingFlags } from '../../src/cli/training-flags';
import { trainMtADnn } from '../../src/core/training/train-mt-a-dnn';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions, type TrainingOptions } from '../../src/core/training/training-options';
import { goldenNetMetadata, goldenRavdessVectors } from './model-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'dropped-features-'));

before(async () => {
  await initBackend();
});

after(() => rmSync(dir, { recursive: true, force: true }));

const DROP = ['mfcc-means', 'energy_mean', 'spectral_centroid'];

async function savedModel(name: string, dropFeatures: string[] | undefined): Promise<EmotionModel> {
  const options: TrainingOptions = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { noiseAugmentation: undefined, seed: 5, dropFeatures });
  const data = goldenRavdessVectors();
  // One clip per actor: two streams of half the actors each, so that per-stream normalisation leaves something to learn.
  const net = await trainMtADnn({ ...data, streams: data.speakers.map((_, i) => (i % 2 ? 'odd' : 'even')) }, options);
  const trained = new EmotionModel(net.model, {
    ...goldenNetMetadata(net, options),
    ...(net.droppedFeatures ? { droppedFeatures: net.droppedFeatures } : {}),
  });
  await trained.save(join(dir, name));
  trained.dispose();
  return EmotionModel.load(join(dir, name));
}

/** Every clip with the dropped entries taken from another clip (real values, so the model's plausibility check passes). */
function withDroppedEntriesSwapped(vectors: ArrayLike<number>[], indices: number[]): number[][] {
  return vectors.map((v, i) => {
    const other = vectors[(i + 1) % vectors.length];
    const swapped = Array.from(v);
    for (const j of indices) swapped[j] = other[j];
    return swapped;
  });
}

/** The emotion probabilities of each vector, all played as one stream through the per-stream normaliser. */
async function streamProbabilities(model: EmotionModel, vectors: ArrayLike<number>[]): Promise<number[][]> {
  const classifier = new EmotionStreamClassifier(model, { maxStreams: 4, idleMs: 60_000, attention: false, maxBatch: 8, maxWaitMs: 0 });
  const out: number[][] = [];
  try {
    for (const vector of vectors) {
      const p = await classifier.classify({ streamId: 'kitchen', vector, start: 0, end: 3, voiced: true });
      out.push(Object.values(p.probabilities));
    }
  } finally {
    classifier.close();
  }
  return out;
}

test('groups, short-term features and vector entries name the dropped entries; an unknown name is refused', () => {
  const names = droppedFeatureNames(DROP, PAPER_PROFILE.vectorNames);
  assert.equal(names.length, 13 + 1 + 2);
  assert.deepEqual(names.slice(0, 3), ['energy_mean', 'spectral_centroid_mean', 'mfcc_1_mean']);
  assert.ok(names.includes('spectral_centroid_std') && names.includes('mfcc_13_mean') && !names.includes('mfcc_1_std'));
  assert.throws(() => droppedFeatureNames(['mfcc-medians'], PAPER_PROFILE.vectorNames), /unknown feature to drop "mfcc-medians"/);
});

test('a model trained without some features predicts the same whatever values they have, through the saved model and the stream normaliser', async () => {
  const data = goldenRavdessVectors();
  const masked = await savedModel('masked', DROP);
  const plain = await savedModel('plain', undefined);
  try {
    const names = droppedFeatureNames(DROP, PAPER_PROFILE.vectorNames);
    assert.deepEqual(masked.metadata.droppedFeatures, names);
    assert.deepEqual(masked.metadata.training.options.dropFeatures, DROP);
    assert.equal(plain.metadata.droppedFeatures, undefined);
    const indices = names.map((n) => PAPER_PROFILE.vectorNames.indexOf(n));
    const swapped = withDroppedEntriesSwapped(data.vectors, indices);

    const original = await streamProbabilities(masked, data.vectors);
    assert.ok(new Set(original.map((p) => p.join())).size > 1, 'the masked model tells the clips apart');
    assert.deepEqual(await streamProbabilities(masked, swapped), original);
    assert.deepEqual(masked.predict(swapped), masked.predict(data.vectors));
    // The same swap moves the predictions of a model that sees every feature: the comparison above can fail.
    assert.notDeepEqual(await streamProbabilities(plain, swapped), await streamProbabilities(plain, data.vectors));
  } finally {
    masked.dispose();
    plain.dispose();
  }
});

test('--drop-features becomes the training option dropFeatures, checked against the profile before any training', () => {
  const flags = (dropFeatures: string | undefined): TrainingFlags => ({
    profile: 'paper',
    preset: 'default',
    seed: '42',
    classWeights: true,
    dropFeatures,
  });
  assert.deepEqual(trainingOptionsFromCli(flags('mfcc-means, energy_mean')).dropFeatures, ['mfcc-means', 'energy_mean']);
  assert.equal(trainingOptionsFromCli(flags(undefined)).dropFeatures, undefined);
  assert.throws(() => trainingOptionsFromCli(flags('pitch_mean')), /unknown feature to drop "pitch_mean"/);
});
