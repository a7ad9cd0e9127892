// feature-window on worker threads in a real Node-RED runtime: the same windows as on Node-RED's own
// thread, in order per stream; late audio dropped, counted and shown; no thread left after close.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import helper from 'node-red-node-test-helper';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import { FeatureWindowStream } from '../../src/core/features';
import { floatToPcm16 } from '../../src/core/audio/pcm16';
import { collect, until, watchedFlow } from '../helpers/node-red-test-flow';
import { withRuntimeAndRealInput } from '../helpers/real-input';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');
const completeNode = require('@node-red/nodes/core/common/24-complete.js');

helper.init(require.resolve('node-red'));

const WINDOW = { windowSeconds: 1, hopSeconds: 0.5, minFinalSeconds: 0.2 };
const CHUNK = 4000;

interface Msg {
  payload: { vector: number[]; seq: number; startSample: number; droppedSeconds?: number; partial?: boolean };
  streamId: string;
  status?: { text: string; fill: string };
}
interface InputNode {
  receive(msg: object): void;
}

const threadCount = () => readdirSync('/proc/self/task').length;

async function load(props: Record<string, unknown>) {
  const nodes = [
    { id: 'fw', type: 'feature-window', wires: [['out']], ...WINDOW, ...props },
    { id: 'out', type: 'helper' },
  ];
  await helper.load([featureWindowNode, catchNode, statusNode, completeNode], watchedFlow(nodes, 'fw', true));
}

/** Sends `samples` as 250 ms s16 chunks of stream `streamId`, timestamped from `start` (ms since epoch) when given. */
function chunkMessages(samples: Float32Array, streamId: string, start?: number) {
  const messages: object[] = [];
  for (let i = 0, seq = 0; i < samples.length; i += CHUNK, seq++) {
    const piece = samples.subarray(i, i + CHUNK);
    const timestamp = start === undefined ? undefined : start + i / 16;
    messages.push({
      payload: floatToPcm16(piece),
      streamId,
      audio: {
        streamId,
        seq,
        sampleRate: 16000,
        channels: 1,
        final: i + CHUNK >= samples.length,
        ...(timestamp !== undefined ? { timestamp } : {}),
      },
    });
  }
  return messages;
}

/** Interleaves the streams' messages chunk by chunk, as live microphones arrive. */
function interleave(perStream: object[][]): object[] {
  const out: object[] = [];
  for (let i = 0; perStream.some((m) => i < m.length); i++) for (const m of perStream) if (i < m.length) out.push(m[i]);
  return out;
}

describe('feature-window on worker threads', () => {
  const input = withRuntimeAndRealInput();
  const STREAMS = ['kitchen', 'hall', 'office', 'garage'];

  async function windowsWith(workers: number): Promise<Msg[]> {
    await load({ workers, lagBudget: 0 });
    const out = collect<Msg>('out');
    const completed = collect<object>('completed');
    const messages = interleave(STREAMS.map((id, k) => chunkMessages(input.clip.subarray(k * 1600), id)));
    const node = helper.getNode('fw') as unknown as InputNode;
    for (const m of messages) node.receive(m);
    await until(() => completed.length === messages.length, `done() for all ${messages.length} messages`);
    await helper.unload();
    return out;
  }

  test('0 and 2 worker threads give the same windows, each stream in order', async () => {
    const onMain = await windowsWith(0);
    const onThreads = await windowsWith(2);
    for (const [k, id] of STREAMS.entries()) {
      const stream = new FeatureWindowStream(id, WINDOW);
      const expected = [...stream.push(input.clip.subarray(k * 1600)), ...stream.end()];
      const main = onMain.filter((m) => m.streamId === id);
      const threads = onThreads.filter((m) => m.streamId === id);
      assert.equal(main.length, expected.length, id);
      assert.deepEqual(
        threads.map((m) => m.payload.seq),
        expected.map((w) => w.seq),
        `${id}: windows in order`,
      );
      assert.deepEqual(
        threads.map((m) => m.payload.vector),
        main.map((m) => m.payload.vector),
        `${id}: the same vectors on threads as on the main thread`,
      );
      assert.deepEqual(
        main.map((m) => m.payload.vector),
        expected.map((w) => w.vector),
      );
    }
  });

  for (const workers of [0, 1]) {
    test(`overloaded (${workers} worker threads): late audio is dropped, counted, shown, and carried by the next window`, async () => {
      await load({ workers, lagBudget: 1 });
      const out = collect<Msg>('out');
      const statuses = collect<Msg>('statuses');
      const completed = collect<object>('completed');
      const node = helper.getNode('fw') as unknown as InputNode;
      // Audio a minute old: beyond any budget however fast the machine, so the overload is deterministic.
      const lateChunks = 8;
      const late = chunkMessages(input.clip.subarray(0, lateChunks * CHUNK), 'mic', Date.now() - 60_000).map((m) => ({
        ...m,
        audio: { ...(m as { audio: object }).audio, final: false },
      }));
      for (const m of late) node.receive(m);
      await until(() => completed.length === late.length, 'done() for the late chunks too');
      assert.equal(out.length, 0, 'nothing from dropped audio');
      await until(() => statuses.some((s) => /1 dropping, 2\.0 s dropped/.test(s.status?.text ?? '')), 'the drop in the status');
      assert.equal(statuses.at(-1)!.status!.fill, 'yellow');
      const rest = input.clip.subarray(lateChunks * CHUNK);
      // a minute ahead: never late, however slow the machine (a loaded machine once made the first of them late)
      const fresh = chunkMessages(rest, 'mic', Date.now() + 60_000);
      for (const m of fresh) node.receive(m);
      await until(() => completed.length === late.length + fresh.length, 'done() for every chunk');
      const stream = new FeatureWindowStream('mic', WINDOW);
      const expected = [...stream.push(rest), ...stream.end()];
      assert.deepEqual(
        out.map((m) => m.payload.vector),
        expected.map((w) => w.vector),
        'no window spans the gap: the stream starts afresh after it',
      );
      assert.equal(out[0].payload.droppedSeconds, 2);
      assert.ok(out.slice(1).every((m) => m.payload.droppedSeconds === undefined));
    });
  }

  for (const workers of [0, 1]) {
    test(`(${workers} worker threads) dropped seconds whose windows are all unvoiced go on the next window sent`, async () => {
      await load({ workers, lagBudget: 1, sendUnvoiced: false });
      const out = collect<Msg>('out');
      const completed = collect<object>('completed');
      const node = helper.getNode('fw') as unknown as InputNode;
      const lateChunks = 8;
      const silentChunks = 12;
      const start = Date.now() - 60_000;
      // A minute late (dropped, 2 s), then 3 s of silence (unvoiced windows, not sent), then speech, in one stream.
      const audio = new Float32Array((lateChunks + silentChunks) * CHUNK + input.clip.length);
      audio.set(input.clip.subarray(0, lateChunks * CHUNK));
      audio.set(input.clip, (lateChunks + silentChunks) * CHUNK);
      const messages = chunkMessages(audio, 'mic', start);
      for (const [i, m] of messages.entries()) {
        // the late part a minute old, the rest a minute ahead (never late, however slow the machine)
        const meta = (m as { audio: { timestamp: number } }).audio;
        if (i >= lateChunks) meta.timestamp = Date.now() + 60_000 + (i - lateChunks) * 250;
        node.receive(m);
        if (i === lateChunks + silentChunks - 1) {
          await until(() => completed.length === i + 1, 'the silence done');
          assert.equal(out.length, 0, 'the silent windows are not sent');
        }
      }
      await until(() => completed.length === messages.length, 'done() for every chunk');
      assert.ok(out.length > 0, 'speech windows sent');
      assert.equal(out[0].payload.droppedSeconds, 2, 'the first window sent carries the dropped audio');
      assert.ok(out.slice(1).every((m) => m.payload.droppedSeconds === undefined));
    });
  }

  test('close and redeploy leave no worker thread running', async () => {
    await load({ workers: 0 });
    await helper.unload();
    const baseline = threadCount();
    for (let deploy = 0; deploy < 3; deploy++) {
      await load({ workers: 3, lagBudget: 0 });
      const completed = collect<object>('completed');
      const messages = interleave(STREAMS.map((id) => chunkMessages(input.clip.subarray(0, 4 * CHUNK), id)));
      const node = helper.getNode('fw') as unknown as InputNode;
      for (const m of messages) node.receive(m);
      await until(() => completed.length === messages.length, 'the audio done');
      // up to 3, opened on demand: 4 streams need one
      assert.ok(threadCount() >= baseline + 1, `a worker thread running (${threadCount()} threads, ${baseline} before)`);
      await helper.unload();
      await until(() => threadCount() <= baseline, `back to ${baseline} threads after close (now ${threadCount()})`);
    }
  });
});
