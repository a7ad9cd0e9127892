import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FeatureWindowStream, clipVectorOf, referenceShortTermFeatures } from '../../src/core/features';
import { speechSpanOnFrameGrid, trimSilence } from '../../src/core/features/front-end/speech-trimming';
import { loadSamples, worstViolation } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';

const clips = manifest().map((row) => row.path);
// Clips 0, 100 and 400 of the full corpus's 672, or the same places in the fixture subset.
const spread = [0, 100, 400].map((i) => clips[Math.round((i * clips.length) / 672)]);

test('speech-only windows: silent edges cut by the training rule (start on the 10 ms frame grid), the rest of each window exactly as the toolkit computes it', async () => {
  let trimmedWindows = 0;
  let wholeWindows = 0;
  for (const clip of spread) {
    // Real RAVDESS clips: 0.5-1 s of silence before and after the sentence.
    const samples = await loadSamples(clip16k(clip));
    const stream = new FeatureWindowStream('s', { windowSeconds: 2, hopSeconds: 0.5, trimSilence: true, minFinalSeconds: 0 });
    const windows = [...stream.push(samples), ...stream.end()];
    assert.ok(windows.length > 2);
    for (const w of windows) {
      const stretch = samples.subarray(w.startSample, w.endSample);
      const span = speechSpanOnFrameGrid(stretch);
      const expected = clipVectorOf(referenceShortTermFeatures(w.trimmed ? stretch.subarray(span.start, span.end) : stretch));
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
  const samples = await loadSamples(clip16k(clips[0]));
  const [first] = new FeatureWindowStream('s', { windowSeconds: 2, hopSeconds: 1, trimSilence: false }).push(samples);
  assert.equal(first.trimmed, undefined);
  const expected = clipVectorOf(referenceShortTermFeatures(samples.subarray(0, 32000)));
  assert.ok(worstViolation(first.vector, expected, 1e-6, 1e-9).ratio <= 1);
  const trimmed = clipVectorOf(referenceShortTermFeatures(trimSilence(samples.subarray(0, 32000))));
  assert.ok(worstViolation(first.vector, trimmed, 1e-6, 1e-9).ratio > 1, 'the first window starts with silence, so trimming changes it');
});
