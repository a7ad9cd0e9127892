// The last window of a stream (FeatureWindowStream.end()): the stream's last 3 s once it is a window long,
// its start rounded up to the 10 ms frame grid, equal to the toolkit on exactly those samples.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { FeatureWindow, FeatureWindowStream, clipVectorOf, referenceShortTermFeatures } from '../../src/core/features';
import { speechSpanOnFrameGrid } from '../../src/core/features/front-end/speech-trimming';
import { loadSamples, worstViolation } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';

/** The vector feature-window should give for samples[from .. to): the toolkit on them, speech only when trimmed. */
function expectedVector(samples: Float32Array, w: FeatureWindow): Float64Array {
  const stretch = samples.subarray(w.startSample, w.endSample);
  if (!w.trimmed) return clipVectorOf(referenceShortTermFeatures(stretch));
  const span = speechSpanOnFrameGrid(stretch);
  return clipVectorOf(referenceShortTermFeatures(stretch.subarray(span.start, span.end)));
}

function assertToolkitVector(samples: Float32Array, w: FeatureWindow, what: string) {
  const violation = worstViolation(w.vector, expectedVector(samples, w), 1e-6, 1e-9);
  assert.ok(violation.ratio <= 1, `${what}: value ${violation.index} off by ${violation.ratio}x the tolerance`);
}

/** Pushes the samples in chunks (as 16-bit PCM or floats); returns the windows of the pushes and those of end(). */
function play(stream: FeatureWindowStream, samples: Float32Array, chunk: number, pcm: boolean) {
  const input = pcm ? Int16Array.from(samples, (v) => v * 32768) : samples;
  const pushed: FeatureWindow[] = [];
  for (let i = 0; i < input.length; i += chunk) pushed.push(...stream.push(input.subarray(i, i + chunk)));
  return { pushed, ended: stream.end() };
}

describe('the last window of a stream', () => {
  let speech: Float32Array;
  before(async () => {
    // two real RAVDESS clips back to back: speech to the end of any cut up to 6 s
    const rows = manifest();
    const [a, b] = await Promise.all([loadSamples(clip16k(rows[0].path)), loadSamples(clip16k(rows[5].path))]);
    speech = new Float32Array(a.length + b.length);
    speech.set(a);
    speech.set(b, a.length);
    assert.ok(speech.length >= 6 * 16000);
  });

  for (const trimSilence of [false, true]) {
    for (const [length, chunk, pcm] of [
      [72000, 1600, true],
      [72077, 4000, true],
      [72077, 997, false],
    ] as const) {
      test(`a ${length}-sample stream (chunks of ${chunk}, ${pcm ? '16-bit' : 'floats'}${trimSilence ? ', speech only' : ''}) ends with its last 3 s, as the toolkit computes them`, () => {
        const samples = speech.subarray(0, length);
        const { pushed, ended } = play(new FeatureWindowStream('s', { trimSilence }), samples, chunk, pcm);
        assert.deepEqual(
          pushed.map((w) => [w.startSample, w.endSample]),
          [
            [0, 48000],
            [16000, 64000],
          ],
        );
        assert.equal(ended.length, 1);
        const [last] = ended;
        // the first frame on the 10 ms grid at most 3 s before the end: [24000, 72000), or [24160, 72077), 83 samples short
        const start = Math.ceil((length - 48000) / 160) * 160;
        assert.deepEqual([last.startSample, last.endSample, last.partial, last.seq], [start, length, true, 2]);
        assertToolkitVector(samples, last, 'the last window');
        for (const w of pushed) assertToolkitVector(samples, w, `window ${w.seq}`);
        if (last.trimmed) assert.ok(last.speechStart! >= last.start && last.speechEnd! <= last.end);
      });
    }
  }

  test('the check can fail: the last window differs from the partial one on the hop grid, and from the 3 s at the very end', () => {
    const samples = speech.subarray(0, 72077);
    const [last] = play(new FeatureWindowStream('s', { trimSilence: false }), samples, 1600, true).ended;
    for (const [from, to] of [
      [32000, 72077],
      [24077, 72077],
    ]) {
      const other = clipVectorOf(referenceShortTermFeatures(samples.subarray(from, to)));
      assert.ok(worstViolation(last.vector, other, 1e-6, 1e-9).ratio > 1, `[${from}, ${to})`);
    }
  });

  test('a stream shorter than a window gives all of itself; one ending on a window boundary nothing more', () => {
    for (const trimSilence of [false, true]) {
      const short = speech.subarray(0, 32000);
      const { pushed, ended } = play(new FeatureWindowStream('s', { trimSilence }), short, 1600, true);
      assert.equal(pushed.length, 0);
      assert.deepEqual(
        ended.map((w) => [w.startSample, w.endSample, w.partial]),
        [[0, 32000, true]],
      );
      assertToolkitVector(short, ended[0], '2 s stream');
      // 3 s, then two 1 s hops: the last full window ends where the stream does
      const exact = play(new FeatureWindowStream('s', { trimSilence }), speech.subarray(0, 80000), 1600, true);
      assert.equal(exact.pushed.length, 3);
      assert.deepEqual(exact.ended, []);
    }
    // too short for minFinalSeconds (1 s): nothing
    assert.deepEqual(play(new FeatureWindowStream('s'), speech.subarray(0, 12000), 1600, true).ended, []);
  });

  test('a chunk refused for a non-finite sample just before the end leaves the last window as it was', () => {
    const samples = speech.subarray(0, 72077);
    const clean = play(new FeatureWindowStream('clean', { trimSilence: false }), samples, 1600, false).ended;
    const refused = new FeatureWindowStream('refused', { trimSilence: false });
    for (let i = 0; i < samples.length; i += 1600) refused.push(samples.subarray(i, i + 1600));
    const bad = new Float32Array(1600).fill(0.1);
    bad[1000] = NaN;
    assert.throws(() => refused.push(bad), /sample 1000 of the chunk is not a finite number/);
    const [last] = refused.end();
    assert.deepEqual({ ...last, streamId: 'clean' }, clean[0]);
  });
});
