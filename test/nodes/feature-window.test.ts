import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import helper from 'node-red-node-test-helper';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import { FeatureWindowStream, clipVectorOf, referenceShortTermFeatures } from '../../src/core/features';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { worstViolation } from '../core/features-golden-fixtures';
import { speechSpanOnFrameGrid } from '../../src/core/features/front-end/speech-trimming';
import { collect as collectAny, until, watchedFlow, loggedWarnings } from '../helpers/node-red-test-flow';
import { clip16k } from '../helpers/corpus';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');

helper.init(require.resolve('node-red'));

const CLIP = clip16k('Actor_05/03-01-05-02-02-02-05.wav');

interface Msg {
  payload: {
    vector: number[];
    profile: string;
    speechRatio: number;
    voiced: boolean;
    start: number;
    end: number;
    seq: number;
    startSample: number;
    endSample: number;
    partial?: boolean;
    trimmed?: boolean;
  };
  streamId: string;
  error?: { message: string };
  status?: { text: string };
}
interface TestNode {
  receive(msg: object): void;
  on(event: 'input', cb: (msg: Msg) => void): void;
}

function flow(props: Record<string, unknown>, withSource = false) {
  const nodes: Array<Record<string, unknown>> = [
    { id: 'fw', type: 'feature-window', wires: [['out']], ...props },
    { id: 'out', type: 'helper' },
  ];
  if (withSource) nodes.push({ id: 'src', type: 'audio-source', mode: 'flow', chunkMs: 250, wires: [['fw']] });
  return watchedFlow(nodes, 'fw');
}

const load = (props: Record<string, unknown>, withSource = false) =>
  helper.load([featureWindowNode, audioSourceNode, catchNode, statusNode], flow(props, withSource));

const collect = (id: string) => collectAny<Msg>(id);

function pcm16(samples: Float32Array): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), 2 * i);
  return buf;
}

function sendChunks(samples: Float32Array, streamId: string, chunk = 4000, asFloat = false) {
  const node = helper.getNode('fw') as unknown as TestNode;
  for (let i = 0, seq = 0; i < samples.length; i += chunk, seq++) {
    const piece = samples.subarray(i, i + chunk);
    node.receive({
      payload: asFloat ? Float32Array.from(piece) : pcm16(piece),
      streamId,
      audio: {
        streamId,
        seq,
        timestamp: 1_000_000 + i / 16,
        sampleRate: 16000,
        channels: 1,
        bits: 16,
        encoding: 'signed-integer',
        samples: piece.length,
        final: i + chunk >= samples.length,
      },
    });
  }
}

describe('feature-window node', () => {
  let samples: Float32Array;
  before(async () => {
    samples = await loadAudioFileAs16kMono(CLIP);
    await new Promise<void>((resolve) => helper.startServer(resolve));
  });
  after(() => new Promise<void>((resolve) => helper.stopServer(resolve)));
  afterEach(() => helper.unload());

  test('behind a real audio-source: windows of a RAVDESS WAV equal the toolkit on each window, silent edges cut (the default)', async () => {
    await load({ windowSeconds: 2, hopSeconds: 0.5, minFinalSeconds: 0.5 }, true);
    const out = collect('out');
    (helper.getNode('src') as unknown as TestNode).receive({ payload: readFileSync(CLIP), streamId: 'kitchen' });
    await until(() => out.some((m) => m.payload.partial), 'the last partial window');
    assert.ok(out.length >= 4);
    for (const m of out) {
      assert.equal(m.streamId, 'kitchen');
      assert.equal(m.payload.profile, 'paper');
      assert.equal(m.payload.vector.length, 68);
      const stretch = samples.subarray(m.payload.startSample, m.payload.endSample);
      const span = speechSpanOnFrameGrid(stretch);
      const ref = clipVectorOf(referenceShortTermFeatures(m.payload.trimmed ? stretch.subarray(span.start, span.end) : stretch));
      assert.ok(worstViolation(m.payload.vector, ref, 1e-6, 1e-9).ratio <= 1, `window ${m.payload.seq}`);
    }
    assert.ok(
      out.some((m) => m.payload.trimmed === true),
      'the windows over the leading silence are trimmed',
    );
    assert.equal(out.at(-1)!.payload.endSample, samples.length);
  });

  test('raw 16 kHz mono 16-bit PCM through audio-source: the windows of the same audio as a WAV', async () => {
    await load({ windowSeconds: 2, hopSeconds: 0.5, minFinalSeconds: 0.5 }, true);
    const out = collect('out');
    const src = helper.getNode('src') as unknown as TestNode;
    src.receive({ payload: readFileSync(CLIP), streamId: 'wav' });
    await until(() => out.some((m) => m.streamId === 'wav' && m.payload.partial), 'the last window of the WAV stream');
    const pcm = Buffer.from(Int16Array.from(samples, (v) => v * 32768).buffer);
    // in pieces that do not fill whole chunks, as a websocket or MQTT feed sends them
    for (let i = 0; i < pcm.length; i += 3002) {
      src.receive({ payload: pcm.subarray(i, i + 3002), streamId: 'raw', rate: 16000, channels: 1, bits: 16, encoding: 'signed-integer' });
    }
    src.receive({ payload: Buffer.alloc(0), streamId: 'raw', audio: { final: true } });
    await until(() => out.some((m) => m.streamId === 'raw' && m.payload.partial), 'the last window of the raw stream');
    const vectors = (id: string) => out.filter((m) => m.streamId === id).map((m) => m.payload.vector);
    assert.ok(vectors('raw').length >= 4);
    assert.deepEqual(vectors('raw'), vectors('wav'));
  });

  test('Float32Array payloads, two interleaved streams, times from msg.audio.timestamp, status', async () => {
    // lagBudget 0: these timestamps are from 1970, later than any lag budget
    await load({ windowSeconds: 1, hopSeconds: 1, minFinalSeconds: 0.2, trimSilence: false, lagBudget: 0 });
    const out = collect('out');
    const statuses = collect('statuses');
    sendChunks(samples, 'a', 3000, true);
    sendChunks(samples.subarray(8000), 'b', 2500, false);
    const direct = (id: string, audio: Float32Array) => {
      const stream = new FeatureWindowStream(id, { windowSeconds: 1, hopSeconds: 1, minFinalSeconds: 0.2, trimSilence: false });
      return [...stream.push(audio), ...stream.end()];
    };
    const expectedA = direct('a', samples);
    const expectedB = direct('b', samples.subarray(8000));
    await until(() => out.length === expectedA.length + expectedB.length, 'both streams to end');
    const a = out.filter((m) => m.streamId === 'a');
    assert.deepEqual(
      a.map((m) => m.payload.vector),
      expectedA.map((w) => w.vector),
    );
    const b = out.filter((m) => m.streamId === 'b');
    assert.deepEqual(
      b.map((m) => m.payload.vector),
      expectedB.map((w) => w.vector),
    );
    assert.equal(a[1].payload.start, 1_000_000 + 1000);
    // the status is throttled, and the threads' stream count comes with their answers: wait for the last one
    await until(() => /^0 streams/.test(statuses.at(-1)?.status?.text ?? ''), 'the status after both streams ended');
    assert.match(statuses.at(-1)!.status!.text, /0 streams, \d+ windows, last speech \d+%/);
  });

  test('silence is not sent when unvoiced windows are off; reset drops a stream', async () => {
    await load({ windowSeconds: 1, hopSeconds: 0.5, sendUnvoiced: false, minFinalSeconds: 0 });
    const out = collect('out');
    const silence = samples.subarray(0, 8000); // RAVDESS clips start with ~0.5 s of room silence
    const node = helper.getNode('fw') as unknown as TestNode;
    const audio = { sampleRate: 16000 };
    node.receive({ payload: pcm16(silence), streamId: 'q', audio });
    node.receive({ payload: pcm16(silence), streamId: 'q', audio });
    node.receive({ payload: pcm16(samples.subarray(16000, 40000)), streamId: 'q', audio });
    await until(() => out.length > 0, 'a voiced window');
    assert.ok(out.every((m) => m.payload.voiced));
    assert.ok(out[0].payload.startSample >= 8000, 'the all-silent first window was not sent');
    const before = out.length;
    node.receive({ reset: true, streamId: 'q' });
    node.receive({ payload: pcm16(samples.subarray(16000, 24000)), streamId: 'q', audio });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.length, before, 'after reset the stream starts afresh: half a window gives nothing');
  });

  test('with every place (Max streams) held by an active stream a new stream is refused: no windows, a status, one warning', async () => {
    await load({ windowSeconds: 1, hopSeconds: 0.5, trimSilence: false, maxStreams: 2 });
    const out = collect('out');
    const statuses = collect('statuses');
    const node = helper.getNode('fw') as unknown as TestNode;
    const audio = { sampleRate: 16000 };
    // Three live streams taking turns with quarter-second chunks: two places.
    for (let i = 0; i < 8; i++) {
      for (const streamId of ['a', 'b', 'c']) node.receive({ payload: pcm16(samples.subarray(i * 4000, (i + 1) * 4000)), streamId, audio });
    }
    await until(() => out.length === 6, "a's and b's windows of 2 s");
    await until(() => /^2 streams, 1 refused, 6 windows/.test(statuses.at(-1)?.status?.text ?? ''), 'the status with the refused stream');
    assert.deepEqual(out.map((m) => m.streamId).sort(), ['a', 'a', 'a', 'b', 'b', 'b']);
    const warnings = loggedWarnings(/refusing/);
    assert.equal(warnings.length, 1, 'one warning, not one per chunk');
    assert.match(warnings[0], /refusing 1 stream \(e\.g\. "c"\): all 2 places \(Max streams\)/);
  });

  test('wrong rate, stereo, and fuzzed payloads give done(err) seen by Catch, never a crash', async () => {
    await load({});
    const caught = collect('caught');
    const node = helper.getNode('fw') as unknown as TestNode;
    node.receive({ payload: new Float32Array(1000), audio: { sampleRate: 44100 } });
    await until(() => caught.length === 1, 'the rate error');
    assert.match(caught[0].error!.message, /16 kHz.*44100 Hz.*audio-source/);
    node.receive({ payload: Buffer.alloc(400), audio: { sampleRate: 16000, channels: 2 } });
    node.receive({ payload: [0.1, 'x'], audio: { sampleRate: 16000 } });
    node.receive({ payload: Buffer.alloc(3) });
    node.receive({ payload: { a: 1 }, audio: { sampleRate: 16000 } });
    node.receive({ payload: [0.5, NaN, 2], audio: { sampleRate: 16000 } });
    node.receive({ payload: new Float32Array(10), streamId: { bad: true }, audio: { sampleRate: 16000 } });
    await until(() => caught.length === 7, 'seven errors');
    const seed = 12345;
    let x = seed;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 200; i++) {
      const kind = Math.floor(rnd() * 4);
      const len = Math.floor(rnd() * 5000);
      const payload =
        kind === 0
          ? Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)))
          : kind === 1
            ? Array.from({ length: len }, () => rnd() * 2.2 - 1.1)
            : kind === 2
              ? 'text'
              : null;
      node.receive({
        payload,
        streamId: `z${i % 7}`,
        audio: rnd() < 0.8 ? { sampleRate: 16000, final: rnd() < 0.1 } : { sampleRate: Math.floor(rnd() * 50000) },
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(caught.length > 7);
  });

  test('invalid configuration is reported and every message is refused', async () => {
    await load({ windowSeconds: 'abc' });
    const caught = collect('caught');
    (helper.getNode('fw') as unknown as TestNode).receive({ payload: Buffer.alloc(100) });
    await until(() => caught.length === 1, 'the configuration error');
    assert.match(caught[0].error!.message, /invalid configuration.*window length/);
  });
});
