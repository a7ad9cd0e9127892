import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FeatureWindowStream, clipVectorOf, referenceShortTermFeatures } from '../../src/core/features';
import { trimSilence } from '../../src/core/model/speech-trimming';
import { CORPUS_DIR, loadSamples, worstViolation } from './features-golden-fixtures';

const clips = readFileSync(join(CORPUS_DIR, 'manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);

test('speech-only windows: silent edges cut by the training rule, the rest of each window exactly as the toolkit computes it', async () => {
  let trimmedWindows = 0;
  let wholeWindows = 0;
  for (const clip of [clips[0], clips[100], clips[400]]) {
    // Real RAVDESS clips: 0.5-1 s of silence before and after the sentence.
    const samples = await loadSamples(join(CORPUS_DIR, clip));
    const stream = new FeatureWindowStream('s', { windowSeconds: 2, hopSeconds: 0.5, trimSilence: true, minFinalSeconds: 0 });
    const windows = [...stream.push(samples), ...stream.end()];
    assert.ok(windows.length > 2);
    for (const w of windows) {
      const stretch = samples.subarray(w.startSample, w.endSample);
      const expected = clipVectorOf(referenceShortTermFeatures(trimSilence(stretch)));
      const violation = worstViolation(w.vector, expected, 1e-6, 1e-9);
      assert.ok(violation.ratio <= 1, `${clip} window ${w.seq}: value ${violation.index} off by ${violation.ratio}x the tolerance`);
      if (w.trimmed) {
        trimmedWindows++;
        assert.ok(w.speechStart! >= w.start && w.speechEnd! <= w.end && w.speechEnd! > w.speechStart!);
      } else wholeWindows++;
    }
  }
  // The rule also cuts quiet frames at the edges of windows inside the sentence, so most windows are trimmed.
  assert.ok(trimmedWindows > wholeWindows, `${trimmedWindows} trimmed and ${wholeWindows} whole windows`);
});

test('without speech-only, a window with silence keeps it (the toolkit on exactly its samples)', async () => {
  const samples = await loadSamples(join(CORPUS_DIR, clips[0]));
  const [first] = new FeatureWindowStream('s', { windowSeconds: 2, hopSeconds: 1 }).push(samples);
  assert.equal(first.trimmed, undefined);
  const expected = clipVectorOf(referenceShortTermFeatures(samples.subarray(0, 32000)));
  assert.ok(worstViolation(first.vector, expected, 1e-6, 1e-9).ratio <= 1);
  const trimmed = clipVectorOf(referenceShortTermFeatures(trimSilence(samples.subarray(0, 32000))));
  assert.ok(worstViolation(first.vector, trimmed, 1e-6, 1e-9).ratio > 1, 'the first window starts with silence, so trimming changes it');
});
