import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { PoolReply, PoolRequest } from '../../src/core/features/feature-window-pool-protocol';
import { FeatureWindowPoolThread } from '../../src/core/features/feature-window-pool-thread';
import { DEFAULT_STREAM_LIMITS } from '../../src/core/features/feature-window-registry';
import { FeatureWindowStream, resolveFeatureWindowOptions } from '../../src/core/features/feature-window-stream';
import { clip16k, manifest } from '../helpers/corpus';

const OPTIONS = resolveFeatureWindowOptions({ windowSeconds: 1, hopSeconds: 0.5, minFinalSeconds: 0.2 });
const CHUNK = 4000;

async function readyThread(): Promise<FeatureWindowPoolThread> {
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const thread = new FeatureWindowPoolThread(0, { options: OPTIONS, limits: DEFAULT_STREAM_LIMITS }, () => undefined, ready);
  await started;
  return thread;
}

/** Counts the messages each way between this thread and the worker (its real postMessage, counted). */
function countMessages(thread: FeatureWindowPoolThread): { sent: number; received: number } {
  const worker = thread.runningWorker!;
  const counts = { sent: 0, received: 0 };
  const post = worker.postMessage.bind(worker);
  worker.postMessage = (value: unknown, transfer?: readonly Transferable[]) => {
    counts.sent++;
    post(value, transfer as never);
  };
  worker.on('message', () => counts.received++);
  return counts;
}

let nextId = 1;
const push = (streamId: string, samples: Float32Array, final = false): PoolRequest => ({
  kind: 'push',
  id: nextId++,
  streamId,
  samples,
  timestamp: undefined,
  final,
  afterGap: false,
});

describe('FeatureWindowPoolThread', () => {
  let clip: Float32Array;
  before(async () => {
    clip = await loadAudioFileAs16kMono(clip16k(manifest()[0].path));
  });

  test('requests made while the thread is busy go in one message, and the answers without windows come back together', async () => {
    const thread = await readyThread();
    try {
      const counts = countMessages(thread);
      // 40 streams' first quarter second (no window yet) in one turn of the event loop: the first goes at once, the
      // rest wait for the thread, 32 at most in one message
      const requests = Array.from({ length: 40 }, (_, i) => push(`s${i}`, clip.slice(0, CHUNK)));
      const replies = await Promise.all(requests.map((request) => thread.run(request, [])));
      assert.deepEqual(
        replies.map((reply) => reply.id),
        requests.map((request) => request.id),
      );
      assert.ok(replies.every((reply) => reply.ok && reply.windows.length === 0));
      assert.equal(counts.sent, 3, 'one request alone, then 32, then the other 7');
      assert.equal(counts.received, 3, 'answered message by message');
    } finally {
      await thread.dispose();
    }
  });

  test('an answer with windows comes as soon as it is ready, in order, the same windows as on this thread', async () => {
    const thread = await readyThread();
    try {
      const counts = countMessages(thread);
      const chunks: Float32Array[] = [];
      for (let i = 0; i < clip.length; i += CHUNK) chunks.push(clip.slice(i, i + CHUNK));
      const answered: number[] = [];
      const replies = await Promise.all(
        chunks.map((chunk, i) =>
          thread.run(push('x', chunk, i === chunks.length - 1), []).then((reply: PoolReply) => {
            answered.push(reply.id);
            return reply;
          }),
        ),
      );
      assert.deepEqual(
        answered,
        [...answered].sort((a, b) => a - b),
        'answered in request order',
      );
      const windows = replies.flatMap((reply) => (reply.ok ? reply.windows : []));
      const stream = new FeatureWindowStream('x', OPTIONS);
      const expected = [...stream.push(clip), ...stream.end()];
      assert.deepEqual(
        windows.map((w) => w.vector),
        expected.map((w) => w.vector),
      );
      const withWindows = replies.filter((reply) => reply.ok && reply.windows.length > 0).length;
      assert.ok(withWindows >= 2, `${withWindows} answers with windows`);
      // each answer with windows goes at once (with the answers before it); the rest together at the end
      assert.ok(counts.received <= withWindows + counts.sent, `${counts.received} messages for ${chunks.length} requests`);
      assert.ok(counts.received < chunks.length, `${counts.received} messages for ${chunks.length} requests`);
    } finally {
      await thread.dispose();
    }
  });

  test('requests not sent yet when it closes are failed, not left waiting', async () => {
    const thread = await readyThread();
    const settling = Promise.allSettled(Array.from({ length: 5 }, (_, i) => thread.run(push(`s${i}`, clip.slice(0, CHUNK)), [])));
    await thread.dispose();
    const settled = await settling;
    assert.ok(settled.every((s) => s.status === 'rejected' && /closed/.test(String(s.reason))));
  });
});
