import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import helper, { type TestFlows } from 'node-red-node-test-helper';
import emotionRouterNode from '../../src/nodes/emotion-router/emotion-router';
import { T0, prediction } from '../core/routing-fixtures';
import { loggedWarnings } from '../helpers/node-red-test-flow';
import { EmotionPrediction } from '../../src/core/messages';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

helper.init(require.resolve('node-red'));

type Msg = { payload: Record<string, unknown>; streamId?: string; prediction?: unknown; topic?: string; [k: string]: unknown };
type TestNode = {
  receive(msg: object): void;
  on(event: 'input', cb: (msg: Msg) => void): void;
  on(event: 'call:status', cb: (call: { args: [{ text?: string }] }) => void): void;
  wires: string[][];
};

const OUTPUTS = ['anger', 'happiness', 'neutral', 'sadness', 'uncertain', 'changed'];

function routerFlow(props: Record<string, unknown>, outputs: string[]) {
  return [
    { id: 'router', type: 'emotion-router', name: 'test router', wires: outputs.map((o) => [`out-${o}`]), ...props },
    ...outputs.map((o) => ({ id: `out-${o}`, type: 'helper' })),
    { id: 'catch-all', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

/** Collects what arrives on each output as "output:emotion" strings, in order. */
function collect(outputs: string[]): { log: string[]; msgs: Record<string, Msg[]> } {
  const log: string[] = [];
  const msgs: Record<string, Msg[]> = {};
  for (const o of outputs) {
    msgs[o] = [];
    (helper.getNode(`out-${o}`) as unknown as TestNode).on('input', (msg) => {
      msgs[o].push(msg);
      log.push(`${o}:${msg.payload.streamId}:${msg.payload.emotion}`);
    });
  }
  return { log, msgs };
}

/** Sends predictions in order (Node-RED delivers them asynchronously; callers wait with settle). */
function feed(predictions: Array<EmotionPrediction | object>, extra: (i: number) => object = () => ({})) {
  const router = helper.getNode('router') as unknown as TestNode;
  for (let i = 0; i < predictions.length; i++) {
    router.receive({ payload: predictions[i], ...extra(i) });
  }
}

async function settle(check: () => boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const load = (flow: object[]) =>
  new Promise<void>((resolve) => helper.load([emotionRouterNode, catchNode], flow as TestFlows, () => resolve()));

describe('emotion-router node in the Node-RED runtime', () => {
  before(() => new Promise<void>((resolve) => helper.startServer(() => resolve())));
  after(() => new Promise<void>((resolve) => helper.stopServer(() => resolve())));
  afterEach(() => helper.unload());

  test('routes a stream to the output of its stable emotion, and fires changed once per change', async () => {
    await load(routerFlow({ smoothingWindows: '1', minDwell: '1', cooldown: '0' }, OUTPUTS));
    const { log, msgs } = collect(OUTPUTS);
    const seq = ['neutral', 'neutral', 'anger', 'anger', 'anger'] as const;
    feed(
      seq.map((e, i) => prediction(e, 0.9, T0 + i * 1000)),
      () => ({ streamId: 'mic-1', topic: 'kitchen' }),
    );
    await settle(() => log.length >= 7, 'seven messages');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(log, [
      'neutral:mic-1:neutral',
      'changed:mic-1:neutral',
      'neutral:mic-1:neutral',
      'neutral:mic-1:neutral', // anger held 0 s: not yet
      'anger:mic-1:anger',
      'changed:mic-1:anger', // held 1 s
      'anger:mic-1:anger',
    ]);
    const change = msgs.changed[1];
    assert.equal(change.payload.previous, 'neutral');
    assert.equal(change.payload.since, T0 + 2000);
    assert.equal(change.payload.confidence, 0.9);
    assert.equal(change.streamId, 'mic-1');
    assert.equal(change.topic, 'kitchen', 'other message properties are kept');
    assert.equal((change.prediction as EmotionPrediction).end, T0 + 3000, 'the raw prediction travels along');
  });

  test('with every place (Max streams) held by an active stream, a new stream is refused: no output, no error, one warning', async () => {
    await load(routerFlow({ smoothingWindows: '1', minDwell: '0', cooldown: '0', maxStreams: '2' }, OUTPUTS));
    const { log } = collect(OUTPUTS);
    const caught: Msg[] = [];
    (helper.getNode('caught') as unknown as TestNode).on('input', (msg) => caught.push(msg));
    const statuses: string[] = [];
    (helper.getNode('router') as unknown as TestNode).on('call:status', (call) => statuses.push(call.args[0].text ?? ''));
    for (let i = 0; i < 3; i++)
      feed(
        ['a', 'b', 'c'].map((id) => prediction('anger', 0.9, T0 + i * 1000, id)),
        (j) => ({ streamId: ['a', 'b', 'c'][j] }),
      );
    await settle(() => log.filter((l) => l.startsWith('anger:')).length === 6, "a's and b's predictions");
    await settle(() => statuses.some((t) => /2 streams, 1 refused/.test(t)), 'the status with the refused stream');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!log.some((l) => l.includes(':c:')), 'c routed nowhere');
    assert.deepEqual(caught, [], 'no error for a refused stream');
    const warnings = loggedWarnings(/refusing/);
    assert.equal(warnings.length, 1);
  });

  test('cooldown holds an output back, and defaults route a one-second hop sensibly', async () => {
    await load(routerFlow({}, OUTPUTS));
    const { log } = collect(OUTPUTS);
    feed(Array.from({ length: 12 }, (_, i) => prediction('sadness', 0.8, T0 + i * 1000)));
    await settle(() => log.length >= 4, 'four messages');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(log, ['sadness:mic-1:sadness', 'changed:mic-1:sadness', 'sadness:mic-1:sadness', 'sadness:mic-1:sadness']);
  });

  test('valence mode without the changed output has three outputs', async () => {
    const outs = ['negative', 'positive', 'uncertain'];
    await load(routerFlow({ mode: 'valence', changedOutput: false, smoothingWindows: 1, minDwell: 0, cooldown: 0 }, outs));
    const { log } = collect(outs);
    feed([prediction('anger', 0.8, T0), prediction('neutral', 0.8, T0 + 1000), prediction('neutral', 0.55, T0 + 2000)]);
    await settle(() => log.length >= 3, 'three messages');
    assert.deepEqual(log, ['negative:mic-1:negative', 'positive:mic-1:positive', 'positive:mic-1:positive']);
  });

  test('streams are independent; msg.reset forgets one stream', async () => {
    await load(routerFlow({ smoothingWindows: 1, minDwell: 0, cooldown: 0 }, OUTPUTS));
    const { log } = collect(OUTPUTS);
    const router = helper.getNode('router') as unknown as TestNode;
    router.receive({ payload: prediction('anger', 0.9, T0, 'a') });
    router.receive({ payload: prediction('happiness', 0.9, T0, 'b') });
    router.receive({ reset: true, streamId: 'a' });
    router.receive({ payload: prediction('anger', 0.9, T0 + 1000, 'a') });
    router.receive({ payload: prediction('happiness', 0.9, T0 + 1000, 'b') });
    await settle(() => log.length >= 7, 'seven messages');
    assert.deepEqual(log, [
      'anger:a:anger',
      'changed:a:anger',
      'happiness:b:happiness',
      'changed:b:happiness',
      'anger:a:anger',
      'changed:a:anger', // a starts afresh after the reset
      'happiness:b:happiness',
    ]);
  });

  test('malformed payloads reach a Catch node and the node keeps working', async () => {
    await load(routerFlow({ smoothingWindows: 1, minDwell: 0, cooldown: 0 }, OUTPUTS));
    const { log } = collect(OUTPUTS);
    const caught: Msg[] = [];
    (helper.getNode('caught') as unknown as TestNode).on('input', (msg) => caught.push(msg));
    const router = helper.getNode('router') as unknown as TestNode;
    const garbage: unknown[] = [
      null,
      'anger',
      42,
      [],
      { probabilities: null },
      { ...prediction('anger', 0.9, T0), streamId: 7 },
      { ...prediction('anger', 0.9, T0), probabilities: { anger: 'high' } },
      { ...prediction('anger', 0.9, T0), end: 'soon' },
    ];
    for (const payload of garbage) router.receive({ payload });
    router.receive({ payload: prediction('sadness', 0.9, T0) });
    await settle(() => caught.length >= garbage.length && log.length >= 2, 'errors and the good message');
    assert.equal(caught.length, garbage.length);
    for (const msg of caught) {
      const error = msg.error as { message: string; source: { type: string } };
      assert.equal(error.source.type, 'emotion-router');
      assert.ok(error.message.length > 0);
    }
    assert.deepEqual(log, ['sadness:mic-1:sadness', 'changed:mic-1:sadness']);
  });

  test('an invalid configuration fails every message with a clear error', async () => {
    await load(routerFlow({ enterThreshold: '0.3', leaveThreshold: '0.6' }, OUTPUTS));
    const caught: Msg[] = [];
    (helper.getNode('caught') as unknown as TestNode).on('input', (msg) => caught.push(msg));
    (helper.getNode('router') as unknown as TestNode).receive({ payload: prediction('anger', 0.9, T0) });
    await settle(() => caught.length === 1, 'the error');
    assert.match((caught[0].error as { message: string }).message, /leaveThreshold/);
  });

  test('three hundred interleaved streams through the runtime each get their own first state', async () => {
    await load(routerFlow({ smoothingWindows: 2, minDwell: 0, cooldown: 0 }, OUTPUTS));
    const { msgs } = collect(OUTPUTS);
    const router = helper.getNode('router') as unknown as TestNode;
    const emotions = ['anger', 'happiness', 'neutral', 'sadness'] as const;
    for (let w = 0; w < 3; w++) {
      for (let s = 0; s < 300; s++) router.receive({ payload: prediction(emotions[s % 4], 0.9, T0 + w * 1000, `s${s}`) });
    }
    await settle(() => msgs.changed.length >= 300 && emotions.reduce((n, e) => n + msgs[e].length, 0) >= 900, 'all messages');
    assert.equal(msgs.changed.length, 300);
    for (const e of emotions) {
      assert.equal(msgs[e].length, 225);
      assert.ok(msgs[e].every((m) => Number((m.payload.streamId as string).slice(1)) % 4 === emotions.indexOf(e)));
    }
  });
});
