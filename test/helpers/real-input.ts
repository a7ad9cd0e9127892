import { readFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import helper from 'node-red-node-test-helper';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { getFeatureProfile } from '../../src/core/features';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import { clip16k, manifest } from './corpus';

/** Real input for every node type: the first RAVDESS clip at 16 kHz and its clip vector in the shipped model's profile. */
export interface RealInput {
  clip: Float32Array;
  vector: number[];
}

/**
 * Registers the hooks node tests that drive every node type share: real input loaded and the test helper's
 * server started before, flows unloaded after each test, the server stopped after. `input.clip` and
 * `input.vector` are set once `before` has run.
 */
export function withRuntimeAndRealInput(): RealInput {
  const input = {} as RealInput;
  before(async () => {
    input.clip = await loadAudioFileAs16kMono(clip16k(manifest()[0].path));
    const meta = JSON.parse(readFileSync(`${DEFAULT_MODEL_DIR}/metadata.json`, 'utf8')) as { featureProfile: string };
    input.vector = Array.from(getFeatureProfile(meta.featureProfile as 'paper').clipVector(input.clip));
    await new Promise<void>((resolve) => helper.startServer(() => resolve()));
  });
  afterEach(async () => {
    await helper.unload();
  });
  after(async () => {
    await new Promise<void>((resolve) => helper.stopServer(() => resolve()));
  });
  return input;
}
