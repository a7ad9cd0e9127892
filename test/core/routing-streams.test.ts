import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { EmotionRouter, routeEmotions } from '../../src/core/routing';
import { StreamRefusedError } from '../../src/core/stream-refused-error';
import { StreamStateMap } from '../../src/core/stream-state-map';
import { EMOTIONS, EmotionPrediction } from '../../src/core/messages';
import { T0, prediction } from './routing-fixtures';

describe('per-stream state', () => {
  test('streams are routed independently', () => {
    const router = new EmotionRouter({ smoothingWindows: 1, minDwellMs: 0, cooldownMs: 0 });
    const a = router.route(prediction('anger', 0.9, T0, 'a'));
    const b = router.route(prediction('sadness', 0.9, T0, 'b'));
    const a2 = router.route(prediction('anger', 0.9, T0 + 1000, 'a'));
    assert.deepEqual(
      a.map((e) => e.output),
      ['anger', 'changed'],
    );
    assert.deepEqual(
      b.map((e) => e.output),
      ['sadness', 'changed'],
    );
    assert.deepEqual(
      a2.map((e) => e.output),
      ['anger'],
      'stream b did not disturb stream a',
    );
    assert.equal(router.streamCount, 2);
  });

  test('msg.streamId given to route() overrides the payload streamId', () => {
    const router = new EmotionRouter();
    const [event] = router.route(prediction('anger', 0.9, T0, 'payload-id'), 'msg-id');
    assert.equal(event.payload.streamId, 'msg-id');
    assert.ok(router.snapshot('msg-id'));
    assert.equal(router.snapshot('payload-id'), undefined);
  });

  test('idle streams are forgotten after idleTimeoutMs of the injected clock', () => {
    let now = 1_000_000;
    const router = new EmotionRouter({ idleTimeoutMs: 10_000 }, { now: () => now });
    router.route(prediction('anger', 0.9, T0, 'old'));
    now += 6000;
    router.route(prediction('anger', 0.9, T0, 'young'));
    now += 5000;
    assert.equal(router.expireIdle(), 1);
    assert.equal(router.snapshot('old'), undefined);
    assert.ok(router.snapshot('young'));
    now += 5000;
    assert.equal(router.expireIdle(), 1);
    assert.equal(router.streamCount, 0);
  });

  test('a forgotten stream starts over: its next state is a first state again', () => {
    let now = 0;
    const router = new EmotionRouter({ idleTimeoutMs: 1000, smoothingWindows: 1 }, { now: () => now });
    router.route(prediction('anger', 0.9, T0));
    now = 5000;
    router.expireIdle();
    const events = router.route(prediction('anger', 0.9, T0 + 5000));
    assert.deepEqual(
      events.map((e) => e.output),
      ['anger', 'changed'],
    );
    assert.equal(events[0].payload.previous, null);
  });

  test('at most maxStreams streams are kept: a new one is refused while all are active, else takes the least recently heard place', () => {
    let now = 0;
    const router = new EmotionRouter({ maxStreams: 3 }, { now: () => now });
    for (const id of ['s1', 's2', 's3']) router.route(prediction('neutral', 0.9, T0, id));
    now = 1000;
    router.route(prediction('neutral', 0.9, T0 + 1000, 's1'));
    router.route(prediction('neutral', 0.9, T0 + 1000, 's3'));
    assert.throws(() => router.route(prediction('neutral', 0.9, T0, 's4')), StreamRefusedError);
    assert.equal(router.snapshot('s4'), undefined);
    now = 5000;
    router.route(prediction('neutral', 0.9, T0, 's4'));
    assert.equal(router.streamCount, 3);
    assert.equal(router.snapshot('s2'), undefined, 's2, quiet for 5 s and the least recently heard, made room');
    for (const id of ['s1', 's3', 's4']) assert.ok(router.snapshot(id), id);
  });

  test('StreamStateMap expiry only drops entries at or past the timeout', () => {
    let now = 0;
    const map = new StreamStateMap<number>({ maxStreams: 10, idleMs: 100, now: () => now });
    map.getOrCreate('a', () => 1);
    now = 99;
    assert.equal(map.sweep(), 0);
    now = 100;
    assert.equal(map.sweep(), 1);
  });

  test('StreamStateMap states() lists every state, least recently used first, without marking them used', () => {
    let now = 0;
    const map = new StreamStateMap<number>({ maxStreams: 10, idleMs: 100, now: () => now });
    map.getOrCreate('a', () => 1);
    now = 50;
    map.getOrCreate('b', () => 2);
    now = 100;
    assert.deepEqual([...map.states()], [1, 2]);
    assert.equal(map.sweep(), 1, 'a was not marked used by states()');
    assert.deepEqual([...map.states()], [2]);
  });

  test('forget() and clear() drop state', () => {
    const router = new EmotionRouter();
    router.route(prediction('anger', 0.9, T0, 'x'));
    router.route(prediction('anger', 0.9, T0, 'y'));
    assert.equal(router.forget('x'), true);
    assert.equal(router.streamCount, 1);
    router.clear();
    assert.equal(router.streamCount, 0);
  });

  test('five hundred concurrent interleaved streams each keep their own state, memory stays bounded', () => {
    const router = new EmotionRouter({ smoothingWindows: 3, minDwellMs: 2000, cooldownMs: 0, maxStreams: 1000 });
    const streams = 500;
    const changes = new Map<string, string[]>();
    for (let w = 0; w < 20; w++) {
      for (let s = 0; s < streams; s++) {
        // Each stream switches emotion once, at a window that depends on the stream.
        const switchAt = 5 + (s % 10);
        const emotion = EMOTIONS[w < switchAt ? s % 4 : (s + 1) % 4];
        for (const event of router.route(prediction(emotion, 0.9, T0 + w * 1000, `stream-${s}`))) {
          if (event.output !== 'changed') continue;
          const list = changes.get(event.payload.streamId) ?? [];
          list.push(`${event.payload.previous}->${event.payload.emotion}@${(event.payload.since - T0) / 1000}`);
          changes.set(event.payload.streamId, list);
        }
      }
    }
    assert.equal(router.streamCount, streams);
    for (let s = 0; s < streams; s++) {
      const switchAt = 5 + (s % 10);
      // Mean over 3 windows: 2 of 3 windows of the new emotion at switchAt + 1; dwell 2 s.
      assert.deepEqual(changes.get(`stream-${s}`), [
        `null->${EMOTIONS[s % 4]}@0`,
        `${EMOTIONS[s % 4]}->${EMOTIONS[(s + 1) % 4]}@${switchAt + 1}`,
      ]);
    }
    for (let s = 0; s < streams; s++) {
      const state = (router as unknown as { streams: StreamStateMap<{ history: unknown[]; lastSent: Map<string, number> }> }).streams.get(
        `stream-${s}`,
      )!;
      assert.ok(state.history.length <= 3);
      assert.ok(state.lastSent.size <= 5);
    }
  });
});

describe('malformed input', () => {
  const good = prediction('anger', 0.9, T0);
  const cases: Array<[string, unknown, unknown?]> = [
    ['null payload', null],
    ['a string payload', 'anger'],
    ['an array payload', [1, 2, 3]],
    ['no probabilities', { ...good, probabilities: undefined }],
    ['a missing emotion', { ...good, probabilities: { anger: 0.5, happiness: 0.5 } }],
    ['a NaN probability', { ...good, probabilities: { ...good.probabilities, anger: NaN } }],
    ['a probability above 1', { ...good, probabilities: { ...good.probabilities, anger: 1.5 } }],
    ['a string probability', { ...good, probabilities: { ...good.probabilities, anger: '0.5' } }],
    ['an empty streamId', { ...good, streamId: '' }],
    ['a numeric streamId', { ...good, streamId: 42 }],
    ['a huge streamId', { ...good, streamId: 'x'.repeat(10_000) }],
    ['a NaN end', { ...good, end: NaN }],
    ['a string end', { ...good, end: '2024' }],
  ];
  for (const [name, payload] of cases) {
    test(`${name} throws and leaves no state`, () => {
      const router = new EmotionRouter();
      assert.throws(
        () => router.route(payload as EmotionPrediction),
        (err: unknown) => err instanceof Error && err.message.length > 0,
      );
      assert.equal(router.streamCount, 0);
    });
  }

  test('valence mode requires valence probabilities', () => {
    const router = new EmotionRouter({ mode: 'valence' });
    assert.throws(() => router.route({ ...good, valence: undefined } as unknown as EmotionPrediction), /valence\.probabilities/);
  });

  test('fuzz: random objects either route or throw an Error, and never corrupt other streams', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [undefined, null, NaN, -1, 0, 0.5, 1, 2, Infinity, '', 'anger', {}, [], true, 1e300];
    const pick = () => values[Math.floor(random() * values.length)];
    const router = new EmotionRouter({ smoothingWindows: 2, minDwellMs: 0, cooldownMs: 0, maxStreams: 50 });
    let routed = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const p: Record<string, unknown> = JSON.parse(JSON.stringify(prediction('sadness', 0.7, T0 + i, `f${i % 7}`)));
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) {
        const target = random();
        if (target < 0.3 && p.probabilities !== null && typeof p.probabilities === 'object') {
          (p.probabilities as Record<string, unknown>)[EMOTIONS[Math.floor(random() * 4)]] = pick();
        } else if (target >= 0.3 && target < 0.45) p.probabilities = pick();
        else if (target < 0.6) p.streamId = pick();
        else if (target < 0.75) p.end = pick();
        else if (target < 0.85) p.start = pick();
        // otherwise leave the prediction valid
      }
      try {
        router.route(p as unknown as EmotionPrediction);
        routed++;
      } catch (err) {
        assert.ok(err instanceof Error, `non-Error thrown: ${String(err)}`);
        rejected++;
      }
    }
    assert.ok(routed > 100 && rejected > 100, `routed ${routed}, rejected ${rejected}`);
    assert.ok(router.streamCount <= 50);
    const events = router.route(prediction('sadness', 0.95, T0 + 10_000, 'clean'));
    assert.deepEqual(
      events.map((e) => e.output),
      ['sadness', 'changed'],
    );
  });
});

describe('routeEmotions operator', () => {
  test('turns a stream of predictions into router events', async () => {
    const predictions: EmotionPrediction[] = [
      prediction('neutral', 0.9, T0, 'a'),
      prediction('happiness', 0.9, T0, 'b'),
      prediction('anger', 0.9, T0 + 1000, 'a'),
      prediction('anger', 0.9, T0 + 2000, 'a'),
    ];
    const events = await lastValueFrom(
      from(predictions).pipe(routeEmotions({ smoothingWindows: 1, minDwellMs: 1000, cooldownMs: 0 }), toArray()),
    );
    assert.deepEqual(
      events.map((e) => `${e.payload.streamId}:${e.output}`),
      ['a:neutral', 'a:changed', 'b:happiness', 'b:changed', 'a:neutral', 'a:anger', 'a:changed'],
    );
  });

  test('a malformed prediction errors the observable', async () => {
    await assert.rejects(lastValueFrom(from([null as unknown as EmotionPrediction]).pipe(routeEmotions())), /EmotionPrediction/);
  });

  test('each subscription has its own router state', async () => {
    const source = from([prediction('anger', 0.9, T0)]);
    const routed = source.pipe(routeEmotions());
    const first = await lastValueFrom(routed.pipe(toArray()));
    const second = await lastValueFrom(routed.pipe(toArray()));
    assert.deepEqual(
      first.map((e) => e.output),
      ['anger', 'changed'],
    );
    assert.deepEqual(
      second.map((e) => e.output),
      ['anger', 'changed'],
    );
  });
});
