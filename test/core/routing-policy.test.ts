import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ROUTER_CONFIG,
  EmotionRouter,
  RouterEvent,
  resolveRouterConfig,
  routerOutputNames,
  smoothScores,
} from '../../src/core/routing';
import { T0, prediction } from './routing-fixtures';

const outputs = (events: RouterEvent[]) => events.map((e) => e.output);

describe('router configuration', () => {
  test('defaults are complete and valid', () => {
    assert.deepEqual(resolveRouterConfig({}), { ...DEFAULT_ROUTER_CONFIG });
  });

  test('accepts numbers as strings, as the Node-RED editor stores them', () => {
    const config = resolveRouterConfig({ enterThreshold: '0.7', leaveThreshold: '0.5', smoothingWindows: '5', changedOutput: 'false' });
    assert.equal(config.enterThreshold, 0.7);
    assert.equal(config.smoothingWindows, 5);
    assert.equal(config.changedOutput, false);
  });

  test('rejects bad values, naming the field', () => {
    assert.throws(() => resolveRouterConfig({ mode: 'arousal' }), /mode/);
    assert.throws(() => resolveRouterConfig({ smoothing: 'median' }), /smoothing/);
    assert.throws(() => resolveRouterConfig({ enterThreshold: 1.5 }), /enterThreshold/);
    assert.throws(() => resolveRouterConfig({ enterThreshold: 'abc' }), /enterThreshold/);
    assert.throws(() => resolveRouterConfig({ enterThreshold: 0.4, leaveThreshold: 0.6 }), /leaveThreshold/);
    assert.throws(() => resolveRouterConfig({ smoothingWindows: 0 }), /smoothingWindows/);
    assert.throws(() => resolveRouterConfig({ smoothingWindows: 2.5 }), /smoothingWindows/);
    assert.throws(() => resolveRouterConfig({ smoothingWindows: 1e9 }), /smoothingWindows/);
    assert.throws(() => resolveRouterConfig({ minDwellMs: -1 }), /minDwellMs/);
    assert.throws(() => resolveRouterConfig({ cooldownMs: Infinity }), /cooldownMs/);
    assert.throws(() => resolveRouterConfig({ maxStreams: 0 }), /maxStreams/);
    assert.throws(() => resolveRouterConfig({ changedOutput: 'yes' }), /changedOutput/);
  });

  test('output names per mode, with and without the changed output', () => {
    assert.deepEqual(routerOutputNames({ mode: 'emotion', changedOutput: true }), [
      'anger',
      'happiness',
      'neutral',
      'sadness',
      'uncertain',
      'changed',
    ]);
    assert.deepEqual(routerOutputNames({ mode: 'valence', changedOutput: false }), ['negative', 'positive', 'uncertain']);
    assert.deepEqual(routerOutputNames({ mode: 'activation', changedOutput: true }), ['low', 'high', 'uncertain', 'changed']);
  });
});

describe('smoothing', () => {
  test('mean averages the probability vectors', () => {
    const s = smoothScores(
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.1, 0.9],
      ],
      'mean',
    );
    assert.ok(Math.abs(s.probabilities[0] - 0.4) < 1e-12);
    assert.equal(s.top, 1);
  });

  test('majority picks the label most windows chose, even when a minority window is very confident', () => {
    const s = smoothScores(
      [
        [0.55, 0.45],
        [0.55, 0.45],
        [0.0, 1.0],
      ],
      'majority',
    );
    assert.equal(s.top, 0);
    assert.equal(
      smoothScores(
        [
          [0.55, 0.45],
          [0.55, 0.45],
          [0.0, 1.0],
        ],
        'mean',
      ).top,
      1,
    );
  });

  test('majority ties go to the higher mean probability', () => {
    assert.equal(
      smoothScores(
        [
          [0.9, 0.1],
          [0.4, 0.6],
        ],
        'majority',
      ).top,
      0,
    );
  });
});

describe('emotion router policy', () => {
  const base = { smoothingWindows: 1, minDwellMs: 0, cooldownMs: 0 };

  test('the first window sets the state at once and fires changed with previous null', () => {
    const router = new EmotionRouter(base);
    const events = router.route(prediction('anger', 0.8, T0));
    assert.deepEqual(outputs(events), ['anger', 'changed']);
    assert.deepEqual(
      events.map((e) => e.port),
      [0, 5],
    );
    const p = events[0].payload;
    assert.equal(p.streamId, 'mic-1');
    assert.equal(p.emotion, 'anger');
    assert.equal(p.confidence, 0.8);
    assert.equal(p.since, T0);
    assert.equal(p.previous, null);
    assert.equal(p.changed, true);
    assert.equal(p.windowEnd, T0);
    assert.equal(p.windowStart, T0 - 1000);
    assert.deepEqual(Object.keys(p.probabilities), ['anger', 'happiness', 'neutral', 'sadness']);
  });

  test('below the enter threshold a stream is uncertain, reporting the best label confidence', () => {
    const router = new EmotionRouter({ ...base, enterThreshold: 0.6, leaveThreshold: 0.4 });
    const [event] = router.route(prediction('sadness', 0.45, T0));
    assert.equal(event.output, 'uncertain');
    assert.equal(event.port, 4);
    assert.equal(event.payload.confidence, 0.45);
  });

  test('a steady emotion sends on its output every window and changed only once', () => {
    const router = new EmotionRouter(base);
    const all = [0, 1, 2, 3].flatMap((i) => outputs(router.route(prediction('happiness', 0.9, T0 + i * 1000))));
    assert.deepEqual(all, ['happiness', 'changed', 'happiness', 'happiness', 'happiness']);
  });

  test('hysteresis: the current emotion holds between the leave and enter thresholds', () => {
    const router = new EmotionRouter({ ...base, enterThreshold: 0.6, leaveThreshold: 0.4 });
    const states = [0.7, 0.5, 0.45, 0.41, 0.35, 0.5, 0.65].map(
      (c, i) => router.route(prediction('anger', c, T0 + i * 1000))[0].payload.emotion,
    );
    // 0.5 after having been uncertain does not re-enter: it must reach 0.6 again.
    assert.deepEqual(states, ['anger', 'anger', 'anger', 'anger', 'uncertain', 'uncertain', 'anger']);
  });

  test('without hysteresis (enter == leave) the same sequence flickers', () => {
    const router = new EmotionRouter({ ...base, enterThreshold: 0.5, leaveThreshold: 0.5 });
    const states = [0.7, 0.45, 0.55, 0.45].map((c, i) => router.route(prediction('anger', c, T0 + i * 1000))[0].payload.emotion);
    assert.deepEqual(states, ['anger', 'uncertain', 'anger', 'uncertain']);
  });

  test('a more confident other emotion takes over even while the current one is above leave', () => {
    const router = new EmotionRouter({ ...base, enterThreshold: 0.5, leaveThreshold: 0.2 });
    router.route(prediction('anger', 0.9, T0));
    const p = { ...prediction('sadness', 0.55, T0 + 1000) };
    p.probabilities = { anger: 0.3, happiness: 0.05, neutral: 0.1, sadness: 0.55 };
    const events = router.route(p);
    assert.deepEqual(outputs(events), ['sadness', 'changed']);
    assert.equal(events[0].payload.previous, 'anger');
  });

  test('smoothing over 3 windows ignores a single outlier window', () => {
    const router = new EmotionRouter({ ...base, smoothingWindows: 3 });
    const seq = ['neutral', 'neutral', 'anger', 'neutral', 'neutral'] as const;
    const states = seq.map((e, i) => router.route(prediction(e, 0.9, T0 + i * 1000))[0].payload.emotion);
    assert.deepEqual(states, ['neutral', 'neutral', 'neutral', 'neutral', 'neutral']);
    const unsmoothed = new EmotionRouter(base);
    const raw = seq.map((e, i) => unsmoothed.route(prediction(e, 0.9, T0 + i * 1000))[0].payload.emotion);
    assert.deepEqual(raw, ['neutral', 'neutral', 'anger', 'neutral', 'neutral']);
  });

  test('smoothed probabilities and confidence are means over the last N windows', () => {
    const router = new EmotionRouter({ ...base, smoothingWindows: 2 });
    router.route(prediction('anger', 0.9, T0));
    const [event] = router.route(prediction('anger', 0.7, T0 + 1000));
    assert.ok(Math.abs(event.payload.confidence - 0.8) < 1e-12);
    const [later] = router.route(prediction('anger', 0.5, T0 + 2000));
    assert.ok(Math.abs(later.payload.confidence - 0.6) < 1e-12, 'the oldest window left the smoothing window');
  });

  test('minimum dwell: a change counts only after it held for minDwellMs, and since is when it began', () => {
    const router = new EmotionRouter({ ...base, minDwellMs: 2000 });
    router.route(prediction('neutral', 0.9, T0));
    const e1 = router.route(prediction('sadness', 0.9, T0 + 1000));
    assert.deepEqual(outputs(e1), ['neutral'], 'not yet: held 0 ms');
    const e2 = router.route(prediction('sadness', 0.9, T0 + 2000));
    assert.deepEqual(outputs(e2), ['neutral'], 'not yet: held 1000 ms');
    const e3 = router.route(prediction('sadness', 0.9, T0 + 3000));
    assert.deepEqual(outputs(e3), ['sadness', 'changed']);
    assert.equal(e3[0].payload.since, T0 + 1000);
    assert.equal(e3[0].payload.previous, 'neutral');
    assert.equal(router.snapshot('mic-1')?.state, 'sadness');
  });

  test('minimum dwell: a flicker shorter than the dwell never counts', () => {
    const router = new EmotionRouter({ ...base, minDwellMs: 1500 });
    const seq = ['neutral', 'anger', 'neutral', 'anger', 'neutral', 'anger', 'neutral'] as const;
    const changes = seq.flatMap((e, i) => outputs(router.route(prediction(e, 0.9, T0 + i * 1000)))).filter((o) => o === 'changed');
    assert.equal(changes.length, 1, 'only the first state');
    assert.equal(router.snapshot('mic-1')?.state, 'neutral');
  });

  test('cooldown: an output sends at most once per cooldown, changed is never held back', () => {
    const router = new EmotionRouter({ ...base, cooldownMs: 5000 });
    const sent: string[] = [];
    for (let i = 0; i <= 12; i++) {
      const e = i === 7 || i === 8 ? 'happiness' : 'anger';
      for (const event of router.route(prediction(e, 0.9, T0 + i * 1000))) sent.push(`${i}:${event.output}`);
    }
    // 9: back to anger, but the anger output sent at 5 and is still cooling down until 10.
    assert.deepEqual(sent, ['0:anger', '0:changed', '5:anger', '7:happiness', '7:changed', '9:changed', '10:anger']);
  });

  test('valence mode routes on the valence probabilities', () => {
    const router = new EmotionRouter({ ...base, mode: 'valence' });
    const [event, changed] = router.route(prediction('sadness', 0.8, T0));
    assert.equal(event.output, 'negative');
    assert.equal(event.port, 0);
    assert.equal(event.payload.mode, 'valence');
    assert.deepEqual(Object.keys(event.payload.probabilities), ['negative', 'positive']);
    assert.equal(changed.port, 3);
    const [positive] = router.route(prediction('neutral', 0.8, T0 + 1000));
    assert.equal(positive.output, 'positive');
    assert.equal(positive.payload.previous, 'negative');
  });

  test('activation mode routes on the activation probabilities, with no changed output when disabled', () => {
    const router = new EmotionRouter({ ...base, mode: 'activation', changedOutput: false });
    assert.deepEqual(router.outputNames, ['low', 'high', 'uncertain']);
    const events = router.route(prediction('happiness', 0.8, T0));
    assert.deepEqual(outputs(events), ['high']);
    assert.equal(events[0].port, 1);
  });

  test('a stream whose clock goes backwards starts over', () => {
    const router = new EmotionRouter({ ...base, minDwellMs: 5000 });
    router.route(prediction('anger', 0.9, T0 + 60_000));
    const events = router.route(prediction('sadness', 0.9, T0));
    assert.deepEqual(outputs(events), ['sadness', 'changed']);
    assert.equal(events[0].payload.previous, null);
  });

  test('defaults give a sensible behaviour on a 1 s window hop', () => {
    const router = new EmotionRouter();
    const sent: string[] = [];
    const seq = [...Array(6).fill('neutral'), ...Array(8).fill('anger')] as Array<'neutral' | 'anger'>;
    seq.forEach((e, i) => router.route(prediction(e, 0.85, T0 + i * 1000)).forEach((ev) => sent.push(`${i}:${ev.output}`)));
    // mean of 3 windows crosses 0.5 for anger at window 7 (2 of 3), dwell 1 s commits at window 8.
    assert.deepEqual(sent, ['0:neutral', '0:changed', '5:neutral', '8:anger', '8:changed', '13:anger']);
  });
});
