// The emotion-router at the end of the real pipeline (audio-source -> feature-window ->
// mt-a-dnn-infer -> emotion-router) in the Node-RED runtime, on real RAVDESS speech from six (or,
// with the fixture subset, four) speakers streaming concurrently: what the node routes must be exactly what the core routing
// policy decides for the predictions the infer node really produced, stream by stream.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import modelNode from '../../src/nodes/mt-a-dnn-model/mt-a-dnn-model';
import inferNode from '../../src/nodes/mt-a-dnn-infer/mt-a-dnn-infer';
import emotionRouterNode from '../../src/nodes/emotion-router/emotion-router';
import { EmotionRouter, RoutedEmotion } from '../../src/core/routing';
import { EMOTIONS, EmotionPrediction } from '../../src/core/messages';
import { HAS_FULL_CORPUS, RAVDESS_MANIFEST, speakers } from '../helpers/corpus';

helper.init(require.resolve('node-red'));

const OUTPUTS = ['anger', 'happiness', 'neutral', 'sadness', 'uncertain', 'changed'];
const ROUTER_CONFIG = {
  smoothingWindows: '3',
  enterThreshold: '0.5',
  leaveThreshold: '0.4',
  minDwell: '1',
  cooldown: '0',
  changedOutput: true,
};
// Six actors of the full corpus, or the four of the fixture subset.
const SPEAKERS = HAS_FULL_CORPUS ? ['ravdess_02', 'ravdess_05', 'ravdess_08', 'ravdess_13', 'ravdess_17', 'ravdess_22'] : speakers();

type Msg = { payload: unknown; streamId?: string };
type TestNode = { receive(msg: object): void; on(event: 'input', cb: (msg: Msg) => void): void };

/** Per speaker: one clip of each emotion (strong intensity; RAVDESS has no strong neutral), in a speaker-dependent order. */
function clipsBySpeaker(): Map<string, string[]> {
  const [header, ...rows] = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
  const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
  const bySpeaker = new Map<string, string[]>();
  SPEAKERS.forEach((speaker, s) => {
    const order = EMOTIONS.map((_, i) => EMOTIONS[(i + s) % EMOTIONS.length]);
    const files = order.map((emotion) => {
      const row = rows
        .map((r) => r.split(','))
        .find(
          (r) =>
            r[col.speaker] === speaker && r[col.emotion] === emotion && r[col.intensity] === (emotion === 'neutral' ? 'normal' : 'strong'),
        );
      assert.ok(row, `${speaker} ${emotion}`);
      return join(RAVDESS_MANIFEST, '..', row[col.path]);
    });
    bySpeaker.set(speaker, files);
  });
  return bySpeaker;
}

describe('emotion-router on real speech through the whole pipeline', () => {
  before(() => new Promise<void>((resolve) => helper.startServer(() => resolve())));
  after(() => new Promise<void>((resolve) => helper.stopServer(() => resolve())));
  afterEach(() => helper.unload());

  test('six concurrent speakers (four in the fixtures): the node routes exactly as the routing policy does on the real predictions', async () => {
    const flow = [
      { id: 'source', type: 'audio-source', mode: 'flow', chunkMs: 250, wires: [['features']] },
      // lagBudget 0: this checks routing on every window; on a loaded machine the sliced WAVs fall behind the clock
      { id: 'features', type: 'feature-window', lagBudget: 0, wires: [['infer']] },
      { id: 'model-config', type: 'mt-a-dnn-model', name: 'shipped' },
      { id: 'infer', type: 'mt-a-dnn-infer', model: 'model-config', wires: [['predictions', 'router-under-test']] },
      { id: 'predictions', type: 'helper' },
      { id: 'router-under-test', type: 'emotion-router', ...ROUTER_CONFIG, wires: OUTPUTS.map((o) => [`out-${o}`]) },
      ...OUTPUTS.map((o) => ({ id: `out-${o}`, type: 'helper' })),
    ];
    await new Promise<void>((resolve) =>
      helper.load([audioSourceNode, featureWindowNode, modelNode, inferNode, emotionRouterNode], flow, () => resolve()),
    );

    const predictions: EmotionPrediction[] = [];
    (helper.getNode('predictions') as unknown as TestNode).on('input', (msg) => predictions.push(msg.payload as EmotionPrediction));
    const routed: Array<{ output: string; payload: RoutedEmotion }> = [];
    for (const output of OUTPUTS) {
      (helper.getNode(`out-${output}`) as unknown as TestNode).on('input', (msg) =>
        routed.push({ output, payload: msg.payload as RoutedEmotion }),
      );
    }

    // Interleave the speakers clip by clip, each speaker one stream of four recordings.
    const clips = clipsBySpeaker();
    const source = helper.getNode('source') as unknown as TestNode;
    for (let c = 0; c < EMOTIONS.length; c++) {
      for (const speaker of SPEAKERS) {
        source.receive({ payload: readFileSync(clips.get(speaker)![c]), streamId: speaker, final: c === EMOTIONS.length - 1 });
      }
    }

    // Every window reaches the router, and with no cooldown each sends exactly one state message.
    // audio-source converts large payloads in slices, so audio keeps coming for a while: settled = 1 s without news.
    let last = -1;
    let unchangedPolls = 0;
    for (let i = 0; i < 600 && unchangedPolls < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stateMessages = routed.filter((r) => r.output !== 'changed').length;
      unchangedPolls =
        predictions.length > 0 && stateMessages === predictions.length && predictions.length === last ? unchangedPolls + 1 : 0;
      last = predictions.length;
    }
    const streams = new Set(predictions.map((p) => p.streamId));
    assert.deepEqual([...streams].sort(), [...SPEAKERS].sort(), 'every speaker produced predictions');
    assert.ok(predictions.length >= SPEAKERS.length * 8, `${predictions.length} windows`);

    // The reference: the core policy fed the same predictions in the same order.
    const reference = new EmotionRouter({ smoothingWindows: 3, enterThreshold: 0.5, leaveThreshold: 0.4, minDwellMs: 1000, cooldownMs: 0 });
    const expected = predictions.flatMap((p) => reference.route(p).map((e) => ({ output: e.output, payload: e.payload })));
    const byStream = (list: typeof routed, id: string) => list.filter((r) => r.payload.streamId === id);
    for (const speaker of SPEAKERS) {
      assert.deepEqual(byStream(routed, speaker), byStream(expected, speaker), `${speaker}: routed like the policy`);
      const first = byStream(routed, speaker).find((r) => r.output === 'changed');
      assert.equal(first?.payload.previous, null, `${speaker}: first state has no previous`);
    }
    for (const { output, payload } of routed) {
      if (output !== 'changed') assert.equal(payload.emotion, output, 'each message is on the output of its state');
    }
    const states = new Set(routed.map((r) => r.payload.emotion));
    assert.ok(states.size >= 2, `real speech of four emotions is routed to several outputs: ${[...states].join(', ')}`);
  });
});
