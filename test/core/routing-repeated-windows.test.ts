// Results of a pool of MQTT workers: QoS 1 can deliver a window twice, and two workers can finish out of order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmotionRouter } from '../../src/core/routing';
import { T0, prediction } from './routing-fixtures';

const windowOf = (seq: number, emotion: Parameters<typeof prediction>[0] = 'anger', streamId = 'mic-1') => ({
  ...prediction(emotion, 0.9, T0 + seq * 1000, streamId),
  seq,
});

test('with dropRepeatedWindows, a duplicate or late window of a stream is ignored, other streams unaffected', () => {
  const router = new EmotionRouter({ smoothingWindows: 1, minDwellMs: 0, cooldownMs: 0, dropRepeatedWindows: true });
  assert.deepEqual(
    router.route(windowOf(0)).map((e) => e.output),
    ['anger', 'changed'],
  );
  assert.deepEqual(router.route(windowOf(2)).length, 1);
  assert.deepEqual(router.route(windowOf(2)), [], 'the same window delivered again');
  assert.deepEqual(router.route(windowOf(1, 'sadness')), [], 'a window older than one already routed');
  assert.equal(router.snapshot('mic-1')?.state, 'anger', 'the late window did not change the state');
  assert.equal(router.route(windowOf(1, 'sadness', 'mic-2')).length, 2, 'seq is per stream');
  assert.equal(router.route(windowOf(3, 'sadness')).length, 2, 'the next window passes');
  assert.equal(router.repeatedWindows, 2);
});

test('without the option (the default), repeated windows are routed as before', () => {
  const router = new EmotionRouter({ smoothingWindows: 1, minDwellMs: 0, cooldownMs: 0 });
  router.route(windowOf(0));
  assert.equal(router.route(windowOf(0)).length, 1);
  assert.equal(router.repeatedWindows, 0);
});

test('a prediction without seq always passes; a malformed seq is refused', () => {
  const router = new EmotionRouter({ smoothingWindows: 1, minDwellMs: 0, cooldownMs: 0, dropRepeatedWindows: true });
  router.route(windowOf(5));
  assert.equal(router.route(prediction('anger', 0.9, T0 + 6000)).length, 1);
  assert.throws(() => router.route({ ...prediction('anger', 0.9, T0 + 7000), seq: 1.5 }), /seq must be a whole number/);
  assert.throws(() => router.route({ ...prediction('anger', 0.9, T0 + 7000), seq: '3' as unknown as number }), /seq/);
});
