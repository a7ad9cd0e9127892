// 10,000 generated messages into each processing node in the real runtime, with the hostile cases of
// issue 11 among them (1 MB stream ids, ±1e200 vectors, odd rates, 0-byte and odd-length buffers, wrong
// types everywhere): every message ends in exactly one done (a Complete or a Catch), the runtime stays
// up, and the number of streams held never exceeds the node's maxStreams.
// audio-source's own 10,000-message fuzz is in audio-source.test.ts; its hostile cases are added here.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import inferNode from '../../src/nodes/mt-a-dnn-infer/mt-a-dnn-infer';
import emotionRouterNode from '../../src/nodes/emotion-router/emotion-router';
import { EMOTIONS } from '../../src/core/messages';
import { collect, until, watchedFlow } from '../helpers/node-red-test-flow';
import { randomInt, seededRandom } from '../helpers/random';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const completeNode = require('@node-red/nodes/core/common/24-complete.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');

helper.init(require.resolve('node-red'));

const MESSAGES = 10_000;
const MAX_STREAMS = 20;
const VECTOR_LENGTH = 68;

interface TestNode {
  receive(msg: object): void;
}
type Random = () => number;
type Watched = { status?: { text?: string } };

const pick = <T>(random: Random, items: readonly T[]): T => items[randomInt(random, items.length)];

/** 1 MB stream ids, each its own string (made once: building them per message would dominate the run). */
const HUGE_IDS = Array.from({ length: 8 }, (_, i) => `${i}`.padEnd(2 ** 20, String.fromCharCode(97 + i)));
const WRONG_TYPES: unknown[] = [
  null,
  undefined,
  42,
  -1,
  NaN,
  Infinity,
  true,
  'text',
  '',
  [],
  {},
  [1, 'a'],
  { length: 5 },
  () => 1,
  Symbol('s'),
  10n,
];

function streamIdOf(random: Random): unknown {
  const r = random();
  if (r < 0.7) return `s${randomInt(random, 200)}`;
  if (r < 0.8) return pick(random, HUGE_IDS);
  return pick(random, WRONG_TYPES);
}

function hostileNumber(random: Random): unknown {
  return pick(random, [1e200, -1e200, NaN, Infinity, -Infinity, 1e-320, Number.MAX_VALUE, -0, '1', null, undefined, {}]);
}

const ODD_RATES: unknown[] = [16000, 16000, 16000, 8001, 44100, 0, -16000, NaN, '16000', 16000.5, 1e200, null];

/** A feature-window input: 16 kHz audio mostly, else any of the ways it can be wrong. */
function audioMessage(random: Random): object {
  const samples = randomInt(random, 4000);
  const shape = randomInt(random, 8);
  let payload: unknown;
  if (shape === 0) payload = Buffer.alloc(0);
  else if (shape === 1) payload = Buffer.alloc(2 * samples + 1);
  else if (shape === 2)
    payload = Buffer.from(Float32Array.from({ length: samples }, () => random() * 2 - 1).buffer).subarray(0, 2 * samples);
  else if (shape === 3) payload = Float32Array.from({ length: samples }, () => random() * 2 - 1);
  else if (shape === 4) payload = Float32Array.from({ length: 1 + randomInt(random, 100) }, () => hostileNumber(random) as number);
  else if (shape === 5)
    payload = Array.from({ length: randomInt(random, 300) }, () => (random() < 0.9 ? random() - 0.5 : hostileNumber(random)));
  else payload = pick(random, WRONG_TYPES);
  const audio =
    random() < 0.9
      ? { sampleRate: pick(random, ODD_RATES), channels: random() < 0.9 ? 1 : pick(random, [2, 0, -1, 'x']), final: random() < 0.05 }
      : pick(random, WRONG_TYPES);
  return { payload, streamId: streamIdOf(random), audio, reset: random() < 0.01 ? true : undefined };
}

/** An mt-a-dnn-infer input: a feature window of the model's profile mostly, with ±1e200 and wrong values. */
function windowMessage(random: Random, at: number): object {
  const shape = randomInt(random, 6);
  const vector =
    shape === 0
      ? Array.from({ length: VECTOR_LENGTH }, () => (random() < 0.5 ? 1e200 : -1e200))
      : shape === 1
        ? Array.from({ length: VECTOR_LENGTH }, () => (random() < 0.95 ? random() * 10 - 5 : hostileNumber(random)))
        : shape === 2
          ? Array.from({ length: randomInt(random, 200) }, () => random())
          : shape === 3
            ? pick(random, WRONG_TYPES)
            : Array.from({ length: VECTOR_LENGTH }, () => random() * 10 - 5);
  const streamId = streamIdOf(random);
  const payload =
    random() < 0.95
      ? {
          streamId,
          profile: random() < 0.95 ? 'paper' : pick(random, ['extended', '', 5]),
          vector,
          voiced: random() < 0.9,
          speechRatio: random(),
          start: at,
          end: at + 3000,
          seq: at,
        }
      : pick(random, WRONG_TYPES);
  return { payload, streamId };
}

/** An emotion-router input: a prediction mostly, with probabilities that are absurd, missing or of the wrong type. */
function predictionMessage(random: Random, at: number): object {
  const probabilities = Object.fromEntries(EMOTIONS.map((e) => [e, random() < 0.9 ? random() : hostileNumber(random)]));
  const emotion = random() < 0.9 ? pick(random, EMOTIONS) : pick(random, ['joy', '', 7, null]);
  const streamId = streamIdOf(random);
  const payload =
    random() < 0.9
      ? {
          streamId,
          emotion,
          confidence: random() < 0.9 ? random() : hostileNumber(random),
          probabilities: random() < 0.95 ? probabilities : pick(random, WRONG_TYPES),
          start: random() < 0.95 ? at : hostileNumber(random),
          end: random() < 0.95 ? at + 1000 : hostileNumber(random),
        }
      : pick(random, WRONG_TYPES);
  return { payload, streamId, reset: random() < 0.01 ? true : undefined };
}

/** "N stream(s)" counts in a node's statuses. */
function streamCounts(statuses: Watched[]): number[] {
  return statuses.flatMap((m) => {
    const found = /(\d+) streams?\b/.exec(m.status?.text ?? '');
    return found ? [Number(found[1])] : [];
  });
}

/**
 * Sends MESSAGES generated messages to node `id`, in batches, each batch waited for; then checks that
 * every message had exactly one done and that no status counted more than MAX_STREAMS streams.
 */
async function fuzz(id: string, generate: (random: Random, index: number) => object, seed: number) {
  const caught = collect<object>('caught');
  const completed = collect<object>('completed');
  const statuses = collect<Watched>('statuses');
  const node = helper.getNode(id) as unknown as TestNode;
  const random = seededRandom(seed);
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    for (let sent = 0; sent < MESSAGES;) {
      const batch = Math.min(250, MESSAGES - sent);
      for (let i = 0; i < batch; i++) node.receive(generate(random, 1_700_000_000_000 + (sent + i) * 1000));
      sent += batch;
      await until(() => caught.length + completed.length >= sent, `a done for each of ${sent} messages (seed ${seed})`, 60_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(uncaught, []);
  assert.equal(caught.length + completed.length, MESSAGES, 'exactly one done per message');
  const counts = streamCounts(statuses);
  assert.ok(
    counts.every((n) => n <= MAX_STREAMS),
    `streams held: up to ${Math.max(...counts)} with maxStreams ${MAX_STREAMS}`,
  );
  console.log(
    `# ${id} fuzz: ${MESSAGES} messages, ${completed.length} completed, ${caught.length} refused; most streams held ${Math.max(0, ...counts)}`,
  );
  return { caught: caught.length, completed: completed.length };
}

const NODES = [audioSourceNode, featureWindowNode, inferNode, emotionRouterNode, catchNode, completeNode, statusNode];
const load = (node: Record<string, unknown>) =>
  helper.load(
    NODES,
    watchedFlow(
      [
        { wires: [['out']], ...node },
        { id: 'out', type: 'helper' },
      ],
      node.id as string,
      true,
    ),
  );

describe(`${MESSAGES.toLocaleString('en')} generated messages per node in the real runtime`, () => {
  before(() => new Promise<void>((resolve) => helper.startServer(resolve)));
  after(() => new Promise<void>((resolve) => helper.stopServer(resolve)));
  afterEach(() => helper.unload());

  test('audio-source (flow mode): huge ids, odd rates, 0-byte and odd-length raw PCM', { timeout: 120_000 }, async () => {
    await load({ id: 'fz-source', type: 'audio-source', mode: 'flow', chunkMs: 100, maxStreams: MAX_STREAMS });
    const result = await fuzz(
      'fz-source',
      (random) => ({
        payload:
          random() < 0.3
            ? Buffer.alloc(0)
            : random() < 0.5
              ? Buffer.alloc(1 + 2 * randomInt(random, 800))
              : Buffer.alloc(4 * randomInt(random, 800)),
        streamId: streamIdOf(random),
        // A few odd rates only: each distinct rate builds a resampler table (issue 11, defect 2, fixed elsewhere).
        rate: random() < 0.9 ? pick(random, [16000, 48000, 8000, 22050]) : pick(random, [0, -1, NaN, '16000', 1e200]),
        channels: random() < 0.9 ? pick(random, [1, 2]) : pick(random, [0, 3.5, -1, 'x']),
        bits: random() < 0.9 ? 16 : pick(random, [8, 12, 0]),
        encoding: random() < 0.9 ? 'signed-integer' : pick(random, ['floating-point', 'mu-law', 5]),
      }),
      11,
    );
    assert.ok(result.caught > 1000 && result.completed > 1000);
  });

  test('feature-window', { timeout: 120_000 }, async () => {
    await load({ id: 'fz-windows', type: 'feature-window', maxStreams: MAX_STREAMS });
    const statuses = collect<Watched>('statuses');
    const result = await fuzz('fz-windows', (random) => audioMessage(random), 12);
    assert.ok(result.caught > 1000 && result.completed > 1000);
    // The status counts streams when a window is sent: send one after the 200+ ids of the fuzz.
    const tone = Float32Array.from({ length: 48_000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 300 * i) / 16_000));
    const shown = statuses.length;
    (helper.getNode('fz-windows') as unknown as TestNode).receive({
      payload: tone,
      streamId: 'bounded-check',
      audio: { sampleRate: 16000 },
    });
    await until(() => streamCounts(statuses.slice(shown)).length > 0, 'a status with the stream count');
    const held = streamCounts(statuses.slice(shown)).at(-1)!;
    assert.ok(held >= 1 && held <= MAX_STREAMS, `held ${held} streams with maxStreams ${MAX_STREAMS}`);
  });

  test('mt-a-dnn-infer: ±1e200 vectors never poison a stream', { timeout: 120_000 }, async () => {
    await load({ id: 'fz-infer', type: 'mt-a-dnn-infer', unvoiced: 'pass', maxStreams: MAX_STREAMS });
    const out = collect<{ payload: { probabilities: Record<string, number> } }>('out');
    const result = await fuzz('fz-infer', windowMessage, 13);
    assert.ok(result.caught > 1000 && result.completed > 1000);
    const predictions = out.filter((m) => m.payload?.probabilities);
    // 200 stream ids for 20 places: the windows of streams beyond them are refused (every place active), not classified
    assert.ok(predictions.length > 200, `${predictions.length} predictions`);
    for (const { payload } of predictions)
      for (const p of Object.values(payload.probabilities)) assert.ok(Number.isFinite(p) && p >= 0 && p <= 1);
  });

  test('emotion-router', { timeout: 120_000 }, async () => {
    await load({ id: 'fz-router', type: 'emotion-router', mode: 'emotion', changedOutput: true, maxStreams: MAX_STREAMS, outputs: 6 });
    const result = await fuzz('fz-router', predictionMessage, 14);
    assert.ok(result.caught > 500 && result.completed > 1000);
  });
});
