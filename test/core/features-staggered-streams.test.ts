import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { worstViolation } from './features-golden-fixtures';
import { firstClipsJoined } from '../helpers/corpus';
import {
  FeatureWindowRegistry,
  FeatureWindowStream,
  STAGGER_FROM_STREAMS,
  WINDOW_PHASE_STEP,
  clipVectorOf,
  referenceShortTermFeatures,
  resolveFeatureWindowOptions,
  type FeatureWindow,
} from '../../src/core/features';
import { resolveFeatureWindowConfig } from '../../src/core/config/feature-window-config';

const CHUNK = 4000;

function pushAll(push: (chunk: Float32Array) => FeatureWindow[], samples: Float32Array, end: () => FeatureWindow[]): FeatureWindow[] {
  const windows: FeatureWindow[] = [];
  for (let i = 0; i < samples.length; i += CHUNK) windows.push(...push(samples.subarray(i, i + CHUNK)));
  windows.push(...end());
  return windows;
}

describe('streams whose windows start later in the stream (staggerStreams)', () => {
  let speech: Float32Array;
  before(async () => {
    // real speech, several RAVDESS clips one after another (about 15 s)
    speech = await firstClipsJoined(4);
  });

  test('a window grid starting at sample d gives the windows of the stream without its first d samples, d later', () => {
    for (const trimSilence of [true, false]) {
      for (const start of [WINDOW_PHASE_STEP, 7 * WINDOW_PHASE_STEP, 19 * WINDOW_PHASE_STEP]) {
        const options = { trimSilence, minFinalSeconds: 0.5 };
        const staggered = new FeatureWindowStream('s', options, undefined, start);
        const windows = pushAll(
          (c) => staggered.push(c),
          speech,
          () => staggered.end(),
        );
        const later = new FeatureWindowStream('t', options);
        const rest = speech.subarray(start);
        const expected = pushAll(
          (c) => later.push(c),
          rest,
          () => later.end(),
        );
        assert.ok(windows.length >= 10, `${windows.length} windows`);
        assert.equal(windows.length, expected.length, `trimSilence ${trimSilence}, start ${start}`);
        windows.forEach((w, i) => {
          const e = expected[i];
          assert.equal(w.startSample, e.startSample + start);
          assert.equal(w.endSample, e.endSample + start);
          assert.equal(w.partial, e.partial);
          assert.equal(w.voiced, e.voiced);
          assert.deepEqual(w.vector, e.vector, `window ${i}: the same numbers`);
          if (!trimSilence) {
            const reference = clipVectorOf(referenceShortTermFeatures(speech.subarray(w.startSample, w.endSample)));
            const { ratio, index } = worstViolation(w.vector, reference, 1e-6, 1e-9);
            assert.ok(ratio <= 1, `window ${i} [${index}] off by ${ratio} of the tolerance`);
          }
        });
        assert.equal(windows[0].startSample, start, 'the first window starts at the grid start');
        assert.equal(windows[1].startSample - windows[0].startSample, 16000, 'then every hop');
      }
    }
  });

  test('a stream that ends before its first window sends its audio from the grid start as the last window', () => {
    const start = 10 * WINDOW_PHASE_STEP;
    const stream = new FeatureWindowStream('s', { trimSilence: false, minFinalSeconds: 1 }, undefined, start);
    const length = start + 40000; // 2.5 s after the grid start: no full window
    const windows = pushAll(
      (c) => stream.push(c),
      speech.subarray(0, length),
      () => stream.end(),
    );
    assert.equal(windows.length, 1);
    assert.equal(windows[0].partial, true);
    assert.equal(windows[0].startSample, start);
    assert.equal(windows[0].endSample, length);
    const tooShort = new FeatureWindowStream('s', { trimSilence: false, minFinalSeconds: 1 }, undefined, start);
    assert.deepEqual(
      pushAll(
        (c) => tooShort.push(c),
        speech.subarray(0, start + 8000),
        () => tooShort.end(),
      ),
      [],
    );
  });

  test('a stream ending on a window of the grid sends no last window; one ending later sends its last 3 s', () => {
    const start = 5 * WINDOW_PHASE_STEP;
    const exact = new FeatureWindowStream('s', { trimSilence: false }, undefined, start);
    const onGrid = pushAll(
      (c) => exact.push(c),
      speech.subarray(0, start + 48000 + 2 * 16000),
      () => exact.end(),
    );
    assert.deepEqual(
      onGrid.map((w) => [w.startSample, w.partial ?? false]),
      [0, 1, 2].map((k) => [start + k * 16000, false]),
    );
    const past = new FeatureWindowStream('s', { trimSilence: false }, undefined, start);
    const length = start + 48000 + 20000;
    const withLast = pushAll(
      (c) => past.push(c),
      speech.subarray(0, length),
      () => past.end(),
    );
    assert.deepEqual(withLast.at(-1)!.partial, true);
    assert.equal(withLast.at(-1)!.endSample, length);
    assert.equal(withLast.at(-1)!.endSample - withLast.at(-1)!.startSample, 48000);
  });

  test('a grid start off the 50 ms steps or not before the hop is refused', () => {
    assert.throws(() => new FeatureWindowStream('s', {}, undefined, 160), RangeError);
    assert.throws(() => new FeatureWindowStream('s', {}, undefined, -800), RangeError);
    assert.throws(() => new FeatureWindowStream('s', {}, undefined, 16000), RangeError);
    assert.throws(() => new FeatureWindowStream('s', { hopSeconds: 0.5 }, undefined, 8000), RangeError);
    assert.doesNotThrow(() => new FeatureWindowStream('s', { hopSeconds: 0.5 }, undefined, 7200));
  });

  test('a registry spreads its streams over the hop from STAGGER_FROM_STREAMS on, and reuses the phases streams leave', () => {
    const registry = new FeatureWindowRegistry(resolveFeatureWindowOptions({ staggerStreams: true, trimSilence: false }));
    const firstWindowStart = (id: string) => {
      // 4 s of audio: the first window, wherever the grid starts in the first second
      const windows = pushAll(
        (c) => registry.push(id, c, undefined, false),
        speech.subarray(0, 64000),
        () => [],
      );
      return windows[0].startSample;
    };
    const phases = Array.from({ length: STAGGER_FROM_STREAMS + 40 }, (_, i) => firstWindowStart(`s${i}`) / WINDOW_PHASE_STEP);
    assert.deepEqual(phases.slice(0, STAGGER_FROM_STREAMS), new Array(STAGGER_FROM_STREAMS).fill(0), 'the first streams start at 0');
    // the next take the 19 other phases of the 1 s hop in turn, then every phase gets its share
    assert.deepEqual(
      phases.slice(STAGGER_FROM_STREAMS, STAGGER_FROM_STREAMS + 19),
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
    const counts = new Array(20).fill(0);
    for (const p of phases) counts[p]++;
    assert.ok(Math.max(...counts.slice(1)) - Math.min(...counts.slice(1)) <= 1, `phases used ${counts.join(' ')}`);
    // a stream that ends frees its phase for the next new stream
    const leaving = phases.findIndex((p) => p === 7);
    registry.end(`s${leaving}`);
    const before = counts.slice();
    before[7]--;
    const fewest = before.indexOf(Math.min(...before));
    assert.equal(firstWindowStart('new') / WINDOW_PHASE_STEP, fewest);
  });

  test('without staggerStreams (the core default) every stream starts at its first sample', () => {
    assert.equal(resolveFeatureWindowOptions().staggerStreams, false);
    const registry = new FeatureWindowRegistry(resolveFeatureWindowOptions({ trimSilence: false }));
    for (let i = 0; i < STAGGER_FROM_STREAMS + 5; i++) {
      const windows = pushAll(
        (c) => registry.push(`s${i}`, c, undefined, false),
        speech.subarray(0, 48000),
        () => [],
      );
      assert.equal(windows[0].startSample, 0);
    }
  });

  test("the feature-window node staggers unless its 'Stagger streams' is unticked", () => {
    const on = resolveFeatureWindowConfig({});
    const off = resolveFeatureWindowConfig({ staggerStreams: false });
    assert.ok(on.ok && off.ok);
    assert.equal(on.config.window.staggerStreams, true);
    assert.equal(off.config.window.staggerStreams, false);
  });
});
