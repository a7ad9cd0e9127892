// A model folder holding an ensemble of nets: saved and loaded as one model whose probabilities are the
// members' mean, on every backend, with every tensor accounted for after load, predict, failed load and dispose.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/core/model/tensorflow';
import { initBackend } from '../../src/core/model/backend';
import { EmotionModel } from '../../src/core/model/emotion-model';
import { InferenceBatcher } from '../../src/core/model/inference-batcher';
import { ModelFilesError, loadModelFiles } from '../../src/core/model/model-files';
import type { ModelMetadata } from '../../src/core/model/model-metadata';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import { trainMtADnn } from '../../src/core/training/train-mt-a-dnn';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions } from '../../src/core/training/training-options';
import { EMOTIONS } from '../../src/core/messages';
import { goldenNetMetadata, goldenRavdessVectors } from './model-fixtures';

const tiny = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { maxEpochs: 3, patience: 0, validationShare: 0 });

/** Three single-net models of seeds 7, 8, 9 on the golden RAVDESS vectors, and their ensemble. */
async function seedsAndEnsemble(): Promise<{ singles: EmotionModel[]; ensemble: EmotionModel }> {
  const data = goldenRavdessVectors();
  const singles: EmotionModel[] = [];
  for (const seed of [7, 8, 9]) {
    const options = mergeTrainingOptions(tiny, { seed });
    const net = await trainMtADnn(data, options);
    const metadata = goldenNetMetadata(net, options);
    singles.push(new EmotionModel(net.model, metadata));
  }
  const ensemble = new EmotionModel(
    singles.map((s) => s.members[0]),
    singles[0].metadata,
  );
  return { singles, ensemble };
}

function tempDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'speech-emotion-ensemble-')), 'model');
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`model ensembles (${backend} backend)`, () => {
    before(async () => {
      // initBackend picks once per process; switching afterwards is how one test file covers both backends.
      await initBackend();
      assert.ok(await tf.setBackend(backend), `backend ${backend}`);
      await tf.ready();
    });

    test('the ensemble predicts the mean of its members, and survives a save and load', async () => {
      const { singles, ensemble } = await seedsAndEnsemble();
      const vectors = goldenRavdessVectors().vectors;
      const each = singles.map((s) => s.predict(vectors));
      const together = ensemble.predict(vectors);
      together.forEach((out, i) => {
        for (const e of EMOTIONS) {
          const mean = each.reduce((sum, m) => sum + m[i].probabilities[e], 0) / each.length;
          assert.ok(Math.abs(out.probabilities[e] - mean) < 1e-6, `clip ${i} ${e}: ${out.probabilities[e]} vs mean ${mean}`);
        }
        const valence = each.reduce((sum, m) => sum + m[i].valence.probabilities.positive, 0) / each.length;
        assert.ok(Math.abs(out.valence.probabilities.positive - valence) < 1e-6);
      });
      // The members differ (otherwise the mean says nothing).
      assert.notDeepEqual(each[0][0].probabilities, each[1][0].probabilities);

      const dir = tempDir();
      await ensemble.save(dir);
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, [
        'member-1.json',
        'member-1.weights.bin',
        'member-2.json',
        'member-2.weights.bin',
        'member-3.json',
        'member-3.weights.bin',
        'metadata.json',
      ]);
      const saved = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
      assert.deepEqual(saved.members, ['member-1.json', 'member-2.json', 'member-3.json']);

      const tensorsBefore = tf.memory().numTensors;
      const loaded = await EmotionModel.load(dir);
      assert.equal(loaded.members.length, 3);
      const afterLoad = tf.memory().numTensors;
      assert.equal(afterLoad - tensorsBefore, 3 * singles[0].members[0].weights.length, 'only the weights of the 3 nets');
      const again = loaded.predict(vectors, { attention: true });
      assert.equal(tf.memory().numTensors, afterLoad, 'predict leaves no tensor behind');
      again.forEach((out, i) => {
        for (const e of EMOTIONS) assert.ok(Math.abs(out.probabilities[e] - together[i].probabilities[e]) < 1e-6);
        assert.equal(out.attention!.emotion.length, 128, "the first member's attention over its 128 units");
      });
      loaded.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore, 'dispose frees all 3 nets');
      // Saving one net over the folder leaves no member file behind.
      await singles[0].save(dir);
      assert.deepEqual(readdirSync(dir).sort(), ['metadata.json', 'model.json', 'weights.bin']);
      assert.equal((JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata).members, undefined);
      ensemble.dispose();
      rmSync(join(dir, '..'), { recursive: true });
    });

    test('one batch of many streams goes through each member once', async () => {
      const { ensemble } = await seedsAndEnsemble();
      const vectors = goldenRavdessVectors().vectors;
      const batcher = new InferenceBatcher(ensemble, { maxBatch: 64, maxWaitMs: 0 });
      const expected = ensemble.predict(vectors);
      const results = await Promise.all(vectors.map((v) => batcher.predict(v)));
      assert.equal(batcher.batches, 1);
      results.forEach((r, i) => assert.deepEqual(r.probabilities, expected[i].probabilities));
      ensemble.dispose();
    });

    test('a single-net folder (the shipped model) still loads as one net', async () => {
      const tensorsBefore = tf.memory().numTensors;
      const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
      assert.ok(model.members.length >= 1);
      model.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore);
    });
  });
}

/** An ensemble folder with `edit` applied to its metadata and files. */
async function brokenEnsemble(edit: (metadata: ModelMetadata, dir: string) => void): Promise<string> {
  const { ensemble } = await seedsAndEnsemble();
  const dir = tempDir();
  await ensemble.save(dir);
  ensemble.dispose();
  const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as ModelMetadata;
  edit(metadata, dir);
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify(metadata));
  return dir;
}

const BROKEN: Record<string, (metadata: ModelMetadata, dir: string) => void> = {
  'a member outside the model folder': (metadata, dir) => {
    cpSync(join(dir, 'member-2.json'), join(dir, '..', 'member-2.json'));
    metadata.members![1] = '../member-2.json';
  },
  'an absolute member path': (metadata, dir) => (metadata.members![1] = join(dir, 'member-2.json')),
  'an empty member list': (metadata) => (metadata.members = []),
  'a missing member file': (metadata) => metadata.members!.push('member-4.json'),
  'the last member with truncated weights': (_, dir) =>
    writeFileSync(join(dir, 'member-3.weights.bin'), readFileSync(join(dir, 'member-3.weights.bin')).subarray(0, 1000)),
  'the last member of another input length': (_, dir) => {
    const json = JSON.parse(readFileSync(join(dir, 'member-3.json'), 'utf8'));
    json.modelTopology.config.layers[0].config.batch_input_shape = [null, 34];
    writeFileSync(join(dir, 'member-3.json'), JSON.stringify(json));
  },
  'the last member with an unknown layer (two members already built)': (_, dir) => {
    const json = JSON.parse(readFileSync(join(dir, 'member-3.json'), 'utf8'));
    json.modelTopology.config.layers[2].class_name = 'NoSuchLayer';
    writeFileSync(join(dir, 'member-3.json'), JSON.stringify(json));
  },
};

describe('broken ensemble folders', () => {
  before(async () => {
    await initBackend();
  });
  for (const [what, edit] of Object.entries(BROKEN)) {
    test(`${what}: refused, nothing left allocated`, async () => {
      const dir = await brokenEnsemble(edit);
      const tensors = tf.memory().numTensors;
      const variables = Object.keys(
        (tf.engine() as unknown as { state: { registeredVariables: object } }).state.registeredVariables,
      ).length;
      await assert.rejects(
        loadModelFiles(dir),
        (err: Error) => (err instanceof ModelFilesError || 'code' in err) && err.message.includes(dir),
      );
      assert.equal(tf.memory().numTensors, tensors);
      assert.equal(
        Object.keys((tf.engine() as unknown as { state: { registeredVariables: object } }).state.registeredVariables).length,
        variables,
      );
      assert.ok(existsSync(dir));
      rmSync(join(dir, '..'), { recursive: true });
    });
  }
});
