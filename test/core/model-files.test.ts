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

/** The model.json and weight file of the shipped model's (first) net: model.json, or an ensemble's first member. */
function firstNet(dir: string): { modelJson: string; weights: string } {
  const members = (JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { members?: string[] }).members;
  const modelJson = members?.[0] ?? 'model.json';
  const json = JSON.parse(readFileSync(join(dir, modelJson), 'utf8')) as ModelJson;
  return { modelJson, weights: json.weightsManifest[0].paths[0] };
}

/** A copy of the shipped model with `edit` applied to its (first) net's model.json and its folder. */
function brokenCopy(edit: (json: ModelJson, dir: string, weights: string) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'speech-emotion-model-')), 'model');
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  const { modelJson, weights } = firstNet(dir);
  const json = JSON.parse(readFileSync(join(dir, modelJson), 'utf8')) as ModelJson;
  edit(json, dir, join(dir, weights));
  writeFileSync(join(dir, modelJson), JSON.stringify(json));
  return dir;
}

const BROKEN: Record<string, () => string> = {
  'truncated weights': () => brokenCopy((_, __, weights) => writeFileSync(weights, readFileSync(weights).subarray(0, 1000))),
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
    brokenCopy((json, dir, weights) => {
      cpSync(weights, join(dir, '..', 'outside-weights.bin'));
      json.weightsManifest[0].paths = ['../outside-weights.bin'];
    }),
  'an absolute weight path': () =>
    brokenCopy((json, _, weights) => {
      json.weightsManifest[0].paths = [weights];
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
    const { members, metadata } = await loadModelFiles(DEFAULT_MODEL_DIR);
    assert.equal(metadata.featureProfile, 'paper');
    assert.equal(members.length, metadata.members?.length ?? 1);
    assert.ok(tf.memory().numTensors > tensors, 'the model holds its weights');
    for (const net of members) net.dispose();
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
    for (const r of results) if (r.status === 'fulfilled') r.value.members.forEach((net) => net.dispose());
    assert.equal(tf.memory().numTensors, tensors);
  });
});
