// Loading model folders that are broken or hostile: each is refused with a message naming the folder,
// and no tensor or variable outlives the failed load.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/core/model/tensorflow';
import { initBackend } from '../../src/core/model/backend';
import { ModelFilesError, loadModelFiles } from '../../src/core/model/model-files';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';

interface ModelJson {
  modelTopology: { config: { layers: { config: { units?: number } }[] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
}

/** A copy of the shipped model with `edit` applied to its model.json and folder. */
function brokenCopy(edit: (json: ModelJson, dir: string) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'speech-emotion-model-')), 'model');
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  edit(json, dir);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}

const BROKEN: Record<string, () => string> = {
  'truncated weights': () =>
    brokenCopy((_, dir) => writeFileSync(join(dir, 'weights.bin'), readFileSync(join(dir, 'weights.bin')).subarray(0, 1000))),
  'a weight shape the bytes do not hold': () => brokenCopy((json) => (json.weightsManifest[0].weights[0].shape = [60, 128])),
  'a weight shape the layer does not have (same bytes)': () => brokenCopy((json) => (json.weightsManifest[0].weights[0].shape = [128, 68])),
  'a topology the weights do not fit': () =>
    brokenCopy((json) => {
      const dense = json.modelTopology.config.layers.find((l) => l.config.units === 128)!;
      dense.config.units = 100;
    }),
  'an unknown layer in the topology': () =>
    brokenCopy((json) => {
      (json.modelTopology.config.layers[2] as unknown as { class_name: string }).class_name = 'NoSuchLayer';
    }),
  'weights outside the model folder': () =>
    brokenCopy((json, dir) => {
      cpSync(join(dir, 'weights.bin'), join(dir, '..', 'outside-weights.bin'));
      json.weightsManifest[0].paths = ['../outside-weights.bin'];
    }),
  'an absolute weight path': () =>
    brokenCopy((json, dir) => {
      json.weightsManifest[0].paths = [join(dir, 'weights.bin')];
    }),
};

describe('model files', () => {
  before(async () => {
    await initBackend();
  });

  for (const [what, make] of Object.entries(BROKEN)) {
    test(`${what}: refused, nothing left allocated`, async () => {
      const dir = make();
      const tensors = tf.memory().numTensors;
      await assert.rejects(loadModelFiles(dir), (err: Error) => err instanceof ModelFilesError && err.message.includes(dir));
      assert.equal(tf.memory().numTensors, tensors, 'tensors after the failed load');
    });
  }

  test('the shipped model still loads, and disposing it frees what it allocated', async () => {
    const tensors = tf.memory().numTensors;
    const { model, metadata } = await loadModelFiles(DEFAULT_MODEL_DIR);
    assert.equal(metadata.featureProfile, 'paper');
    assert.ok(tf.memory().numTensors > tensors, 'the model holds its weights');
    model.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test('loads started together all succeed, and a failing one between them takes nothing of theirs', async () => {
    const tensors = tf.memory().numTensors;
    const results = await Promise.allSettled([
      loadModelFiles(DEFAULT_MODEL_DIR),
      loadModelFiles(BROKEN['truncated weights']()),
      loadModelFiles(DEFAULT_MODEL_DIR),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    for (const r of results) if (r.status === 'fulfilled') r.value.model.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });
});
