import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFeatures, loadFeatureProfile } from '../../src/core/training/corpus-features';
import { readManifest } from '../../src/core/training/corpus-manifest';
import { RAVDESS_MANIFEST } from '../helpers/corpus';

test('a feature cache saved by another process during a run keeps its vectors when this run saves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feature-cache-'));
  try {
    const entries = (await readManifest(RAVDESS_MANIFEST)).entries.slice(0, 2);
    const profile = loadFeatureProfile('paper');
    const file = join(dir, 'features-paper.json');
    const theirs = { 'another run|full': [1, 2, 3] };
    await corpusFeatures(entries, profile, {
      cacheDir: dir,
      // after the first clip, another process saves the cache with a vector of its own
      onProgress: (done) => {
        if (done === 1) writeFileSync(file, JSON.stringify(theirs));
      },
    });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[]>;
    assert.deepEqual(saved['another run|full'], [1, 2, 3]);
    assert.equal(Object.keys(saved).length, 3, "the other run's vector and this run's two clips");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
