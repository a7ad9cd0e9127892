import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { FeatureWindowPool, PoolPushResult } from '../../src/core/features/feature-window-pool';
import { SLAB_BYTES } from '../../src/core/features/feature-window-pool-sample-slabs';
import { FeatureWindowPoolThread } from '../../src/core/features/feature-window-pool-thread';
import { FeatureWindowStream, resolveFeatureWindowOptions } from '../../src/core/features/feature-window-stream';
import { clip16k, manifest } from '../helpers/corpus';
import { until } from '../helpers/node-red-test-flow';

const OPTIONS = resolveFeatureWindowOptions({ windowSeconds: 1, hopSeconds: 0.5, minFinalSeconds: 0.2 });
const CHUNK = 4000;

/** Threads of this process (Node's worker threads are OS threads). */
const threadCount = () => readdirSync('/proc/self/task').length;

function chunksOf(samples: Float32Array): Float32Array[] {
  const chunks: Float32Array[] = [];
  for (let i = 0; i < samples.length; i += CHUNK) chunks.push(samples.slice(i, i + CHUNK));
  return chunks;
}

function direct(streamId: string, samples: Float32Array) {
  const stream = new FeatureWindowStream(streamId, OPTIONS);
  return [...stream.push(samples), ...stream.end()];
}

describe('FeatureWindowPool', () => {
  let clip: Float32Array;
  before(async () => {
    clip = await loadAudioFileAs16kMono(clip16k(manifest()[0].path));
  });

  test("chunks are copied to the thread through shared slabs, the caller's arrays left whole; a chunk larger than a slab moves when given up, else is copied", async () => {
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1 });
    try {
      const chunks = chunksOf(clip);
      const given = chunks.map((chunk) => chunk.slice());
      const results = await Promise.all(given.map((chunk) => pool.push('staged', chunk, undefined, false, true)));
      assert.ok(
        given.every((chunk, i) => chunk.length === chunks[i].length),
        'a chunk that fits a slab is copied there, even when given up',
      );
      assert.deepEqual(
        results.flatMap((result) => result.windows.map((w) => w.vector)),
        direct('staged', clip)
          .filter((w) => !w.partial)
          .map((w) => w.vector),
      );
      // 16-bit chunks as audio-source sends them (views into one buffer), two streams taking turns
      const pcm = Int16Array.from(clip, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
      const views: Int16Array[] = [];
      for (let i = 0; i < pcm.length; i += CHUNK) views.push(pcm.subarray(i, i + CHUNK));
      const pcmResults = await Promise.all(views.flatMap((view) => ['p', 'q'].map((id) => pool.push(id, view, undefined, false))));
      const reference = new FeatureWindowStream('p', OPTIONS).push(pcm).map((w) => w.vector);
      for (const [k, id] of ['p', 'q'].entries()) {
        const vectors = pcmResults.filter((_, i) => i % 2 === k).flatMap((result) => result.windows.map((w) => w.vector));
        assert.deepEqual(vectors, reference, `stream ${id}`);
      }
      // larger than a slab (256 KB): 5 s of float samples
      const long = 5 * 16000;
      assert.ok(long * 4 > SLAB_BYTES);
      const owned = new Float32Array(long);
      const view = new Float32Array(2 * long).subarray(long);
      const notGiven = new Float32Array(long);
      await Promise.all([
        pool.push('a', owned, undefined, false, true),
        pool.push('b', view, undefined, false, true),
        pool.push('c', notGiven, undefined, false),
      ]);
      assert.equal(owned.length, 0, 'transferred: the caller no longer has it');
      assert.equal(view.length, long, 'a view into a larger buffer is copied, the buffer left whole');
      assert.equal(notGiven.length, long);
    } finally {
      await pool.dispose();
    }
  });

  test('a full queue drops the oldest waiting audio, counts it, and keeps the bytes within the bound', async () => {
    const maxQueuedBytes = 20 * CHUNK * 4;
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1, lagBudgetMs: 0, maxQueuedBytes, inFlightWorkMs: 0 });
    try {
      await pool.push('warm', clip.slice(0, CHUNK), undefined, false, true); // the thread is up
      const results: Array<Promise<PoolPushResult>> = [];
      let most = 0;
      // One tick: nothing comes back from the thread meanwhile, so the queue fills deterministically.
      for (let i = 0; i < 100; i++) {
        results.push(pool.push(`s${i % 5}`, clip.slice(0, CHUNK), undefined, false, true));
        most = Math.max(most, pool.queuedBytes);
      }
      assert.ok(most <= maxQueuedBytes, `queued ${most} bytes`);
      const answered = await Promise.all(results);
      const dropped = answered.filter((r) => r.dropped).length;
      // 4 went to the thread at once (no more in flight with inFlightWorkMs 0), 20 fit in the queue; the rest pushed the oldest out
      assert.equal(dropped, 100 - 4 - 20);
      assert.ok(Math.abs(pool.droppedSeconds - (dropped * CHUNK) / 16000) < 1e-9);
      assert.equal(pool.droppingStreams, 5);
    } finally {
      await pool.dispose();
    }
  });

  test("a chunk that completes a window goes ahead of waiting chunks that complete none, its stream's waiting chunks with it", async () => {
    // 4 requests in flight at most: the rest wait in the pool's queue
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1, inFlightWorkMs: 0 });
    try {
      const chunks = chunksOf(clip);
      const xs = Array.from({ length: 30 }, (_, i) => `x${i}`);
      const ys = Array.from({ length: 30 }, (_, i) => `y${i}`);
      // every stream's first chunk answered: the pool then knows where its windows end (1 s windows: chunk 3 completes one)
      await Promise.all([...xs, ...ys].map((id) => pool.push(id, chunks[0], undefined, false)));
      const order: string[] = [];
      const push = (id: string, k: number) => {
        const answer = pool.push(id, chunks[k], undefined, false);
        void answer.then(() => order.push(`${id}:${k}`));
        return answer;
      };
      // one tick: chunks that complete no window first, then x's that complete one (their chunks 1 and 2 waiting)
      const pending = [
        ...ys.map((id) => push(id, 1)),
        ...xs.flatMap((id) => [push(id, 1), push(id, 2)]),
        ...ys.map((id) => push(id, 2)),
        ...xs.map((id) => push(id, 3)),
      ];
      const answers = await Promise.all(pending);
      const windowAnswers = answers.slice(-xs.length);
      const expected = direct('x', clip.subarray(0, 4 * CHUNK)).filter((w) => !w.partial)[0].vector;
      for (const answer of windowAnswers)
        assert.deepEqual(
          answer.windows.map((w) => w.vector),
          [expected],
          'in its order',
        );
      assert.ok(answers.slice(0, -xs.length).every((answer) => answer.windows.length === 0));
      const lastWindow = order.reduce((last, key, i) => (key.endsWith(':3') ? i : last), -1);
      const yBefore = order.slice(0, lastWindow).filter((k) => k.startsWith('y')).length;
      // first in first out, every y chunk (60) went before the last window; ahead, only those already in flight
      assert.ok(yBefore <= 4, `${yBefore} chunks of y answered before the last window: ${order.slice(0, lastWindow + 1).join(' ')}`);
    } finally {
      await pool.dispose();
    }
  });

  test('late audio is dropped, the stream restarts after the gap and its next window says how much was lost', async () => {
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1, lagBudgetMs: 1000 });
    try {
      const chunks = chunksOf(clip);
      const late = 8;
      const stale = Date.now() - 60_000;
      const answers: PoolPushResult[] = [];
      for (let i = 0; i < chunks.length; i++) {
        const timestamp = i < late ? stale + (i * CHUNK) / 16 : Date.now();
        answers.push(await pool.push('mic', chunks[i], timestamp, i === chunks.length - 1, true));
      }
      assert.deepEqual(
        answers.slice(0, late).map((a) => a.dropped),
        Array(late).fill(true),
      );
      const windows = answers.flatMap((a) => a.windows);
      const expected = direct('mic', clip.subarray(late * CHUNK));
      assert.deepEqual(
        windows.map((w) => w.vector),
        expected.map((w) => w.vector),
        'the windows after the gap are those of a stream starting there',
      );
      const first = answers.find((a) => a.windows.length > 0)!;
      assert.equal(first.droppedSeconds, (late * CHUNK) / 16000);
      assert.equal(answers.filter((a) => a.droppedSeconds !== undefined).length, 1, 'only the first window after the gap carries it');
    } finally {
      await pool.dispose();
    }
  });

  test('overloaded (a chunk reached its thread late), the lane sheds its newest stream: its audio is dropped on arrival until the hold passed and the thread has headroom', async () => {
    let clock = Date.now();
    // inFlightWorkMs 0: the thread holds 4 chunks at most, whatever their measured work
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1, lagBudgetMs: 1000, inFlightWorkMs: 0 }, () => clock);
    try {
      const chunks = chunksOf(clip);
      await pool.push('warm', chunks[0].slice(), undefined, false, true); // the thread is up
      // Six on-time chunks in one tick: four go to the thread, two wait; then the clock jumps past the budget.
      const t0 = clock;
      const first = chunks.slice(0, 6).map((c, i) => pool.push('a', c.slice(), t0 + i * 250, false, true));
      clock += 5000;
      const answers = await Promise.all(first);
      assert.deepEqual(
        answers.map((a) => a.dropped),
        [false, false, false, false, true, true],
        'the two that waited were late when their turn came',
      );
      // On time now, but shed ('a' came after 'warm'): dropped on arrival for twice the budget.
      const shed = await pool.push('a', chunks[6].slice(), clock, false, true);
      assert.equal(shed.dropped, true);
      clock += 2500;
      const back: PoolPushResult[] = [];
      for (let i = 7; i < chunks.length; i++)
        back.push(await pool.push('a', chunks[i].slice(), clock + (i - 7) * 250, i === chunks.length - 1, true));
      assert.ok(
        back.every((a) => !a.dropped),
        'taken back: the thread is idle (measured headroom) and the hold has passed',
      );
      assert.deepEqual(
        back.flatMap((a) => a.windows).map((w) => w.vector),
        direct('a', clip.subarray(7 * CHUNK)).map((w) => w.vector),
        'it starts afresh after the gap',
      );
      assert.ok(Math.abs(pool.droppedSeconds - (3 * CHUNK) / 16000) < 1e-9);
    } finally {
      await pool.dispose();
    }
  });

  test('a thread that stops is reported and replaced; its streams start afresh there', async () => {
    const errors: Error[] = [];
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 2, onThreadError: (err) => errors.push(err) });
    try {
      const chunks = chunksOf(clip);
      await pool.push('x', chunks[0].slice(), undefined, false, true);
      const thread = pool.threadOf('x') as FeatureWindowPoolThread;
      const before = thread.threadId;
      // a long chunk (the clip five times over, ~0.1 s of the thread's work), so that the thread is still on it when
      // it is stopped: a 250 ms chunk can be answered before terminate() takes effect
      const long = new Float32Array(clip.length * 5);
      for (let k = 0; k < 5; k++) long.set(clip, k * clip.length);
      const held = pool.push('x', long, undefined, false, true);
      await thread.runningWorker!.terminate();
      await assert.rejects(held, /feature-window thread \d stopped/);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /stopped \(exit code 1\); its streams start afresh/);
      const after: PoolPushResult[] = [];
      for (const chunk of chunks) after.push(await pool.push('x', chunk.slice(), undefined, false, true));
      assert.notEqual(thread.threadId, before, 'a new thread');
      const windows = after.flatMap((a) => a.windows);
      assert.deepEqual(
        windows.map((w) => w.vector),
        direct('x', clip)
          .filter((w) => !w.partial)
          .map((w) => w.vector),
      );
    } finally {
      await pool.dispose();
    }
  });

  test('a light load stays on the first thread; a stream keeps its place until it ends, is reset or idles out', async () => {
    let clock = Date.now();
    const pool = new FeatureWindowPool(OPTIONS, { idleSeconds: 10 }, { threads: 2 }, () => clock);
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `mic-${i}`);
      await Promise.all(ids.map((id) => pool.push(id, clip.slice(0, CHUNK), undefined, false, true)));
      assert.equal(pool.threads, 1, 'one thread for 10 streams');
      assert.equal(pool.placedStreams, 10);
      const first = pool.threadOf('mic-0');
      assert.ok(first && ids.every((id) => pool.threadOf(id) === first));
      await pool.reset('mic-0');
      assert.equal(pool.threadOf('mic-0'), undefined, 'reset frees its place');
      await pool.push('mic-1', clip.slice(0, CHUNK), undefined, true, true);
      assert.equal(pool.threadOf('mic-1'), undefined, 'its last chunk frees its place');
      assert.equal(pool.placedStreams, 8);
      clock += 5000;
      await pool.push('mic-2', clip.slice(0, CHUNK), undefined, false, true);
      clock += 6000;
      pool.sweep();
      assert.equal(pool.placedStreams, 1, 'the streams quiet for 11 s of a 10 s idle timeout freed');
      assert.ok(pool.threadOf('mic-2'));
      await pool.reset();
      assert.equal(pool.placedStreams, 0, 'reset of every stream frees every place');
    } finally {
      await pool.dispose();
    }
  });

  test("a stream restarted after a gap keeps its own numbers: seq goes on, startSample counts the stream's samples", async () => {
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 1, lagBudgetMs: 1000 });
    try {
      const speech = new Float32Array(2 * clip.length);
      speech.set(clip);
      speech.set(clip, clip.length);
      const chunks = chunksOf(speech);
      const [before, late] = [12, 3];
      const stale = Date.now() - 60_000;
      const answers: PoolPushResult[] = [];
      for (let i = 0; i < chunks.length; i++) {
        const timestamp = i >= before && i < before + late ? stale : Date.now();
        answers.push(await pool.push('mic', chunks[i], timestamp, i === chunks.length - 1, true));
      }
      const restart = (before + late) * CHUNK;
      // before the gap: the windows the stream completed (it did not end there)
      const beforeGap = new FeatureWindowStream('mic', OPTIONS).push(speech.subarray(0, before * CHUNK));
      const afterGap = direct('mic', speech.subarray(restart));
      assert.ok(beforeGap.length >= 4 && afterGap.length >= 4);
      const windows = answers.flatMap((a) => a.windows);
      assert.deepEqual(
        windows.map((w) => w.vector),
        [...beforeGap, ...afterGap].map((w) => w.vector),
      );
      assert.deepEqual(
        windows.map((w) => w.seq),
        windows.map((_, i) => i),
        'seq runs on over the gap',
      );
      assert.deepEqual(
        windows.map((w) => w.startSample),
        [...beforeGap.map((w) => w.startSample), ...afterGap.map((w) => w.startSample + restart)],
        "sample numbers count from the stream's first sample, the dropped chunks too",
      );
    } finally {
      await pool.dispose();
    }
  });

  test('with every place held by an active stream a new stream is refused, not let in by dropping an active one', async () => {
    let clock = Date.now();
    const pool = new FeatureWindowPool(OPTIONS, { maxStreams: 3 }, { threads: 1 }, () => clock);
    try {
      const served = new Map<string, number>();
      // Four live streams taking turns, chunk by chunk, for 3 s of audio: three places.
      for (let round = 0; round < 12; round++) {
        const answers = ['a', 'b', 'c', 'd'].map(async (id) => {
          const result = await pool.push(id, clip.slice(round * CHUNK, (round + 1) * CHUNK), undefined, false, true);
          if (result.refused) assert.equal(result.windows.length, 0);
          served.set(id, (served.get(id) ?? 0) + result.windows.length);
          return result;
        });
        const results = await Promise.all(answers);
        assert.deepEqual(
          results.map((r) => r.refused === true),
          [false, false, false, true],
        );
        clock += 250;
      }
      assert.deepEqual(
        ['a', 'b', 'c', 'd'].map((id) => served.get(id)),
        [5, 5, 5, 0],
        'the three placed streams give every window of 3 s',
      );
      assert.equal(pool.refusedStreams, 1);
      assert.equal(pool.dropped, 0, 'no stream was dropped to make room');
      // 'c' falls quiet: 5 s later its place goes to 'd'.
      for (let step = 0; step < 20; step++) {
        clock += 250;
        await Promise.all(['a', 'b'].map((id) => pool.push(id, clip.slice(0, CHUNK), undefined, false, true)));
      }
      const late = await pool.push('d', clip.slice(0, CHUNK), undefined, false, true);
      assert.equal(late.refused, undefined);
      assert.ok(pool.threadOf('d'));
      assert.equal(pool.threadOf('c'), undefined);
      assert.equal(pool.dropped, 1, 'c, quiet for 5 s, counted as dropped for the room');
      clock += 10_001;
      assert.equal(pool.refusedStreams, 0, 'refusals age out after 10 s');
    } finally {
      await pool.dispose();
    }
  });

  test('a heavy load is spread evenly over the threads, each new stream to the least busy', async () => {
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 2 });
    try {
      // 400 live streams at first sight (each 1 audio s/s at the prior's cost): more than a quarter of one thread
      const ids = Array.from({ length: 400 }, (_, i) => `s${i}`);
      await Promise.all(ids.map((id) => pool.push(id, clip.slice(0, CHUNK), undefined, false, true)));
      assert.equal(pool.threads, 2);
      const perThread = new Map<unknown, number>();
      for (const id of ids) perThread.set(pool.threadOf(id), (perThread.get(pool.threadOf(id)) ?? 0) + 1);
      const counts = [...perThread.values()];
      assert.equal(counts.length, 2);
      // filling the first thread before opening the next would give 233 and 167
      for (const count of counts) assert.ok(Math.abs(count - 200) <= 2, `streams per thread: ${counts.join(', ')}`);
    } finally {
      await pool.dispose();
    }
  });

  test("streams placed while the first thread answers their first chunks are spread evenly: those chunks do not tell a stream's cost", async () => {
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 2 });
    try {
      const ids = Array.from({ length: 400 }, (_, i) => `s${i}`);
      // 100 streams' first chunks answered (25 s of audio: enough to measure a cost from), then the rest arrive
      await Promise.all(ids.slice(0, 100).map((id) => pool.push(id, clip.slice(0, CHUNK), undefined, false, true)));
      await Promise.all(ids.slice(100).map((id) => pool.push(id, clip.slice(0, CHUNK), undefined, false, true)));
      const perThread = new Map<unknown, number>();
      for (const id of ids) perThread.set(pool.threadOf(id), (perThread.get(pool.threadOf(id)) ?? 0) + 1);
      const counts = [...perThread.values()];
      // costed by those first chunks (a thread's first work, and a stream's first chunk, cost more or less than its later
      // ones), the threads' costs differed by chance and the streams were placed by them: 311 and 89 here
      assert.equal(counts.length, 2, `streams per thread: ${counts.join(', ')}`);
      for (const count of counts) assert.ok(Math.abs(count - 200) <= 2, `streams per thread: ${counts.join(', ')}`);
    } finally {
      await pool.dispose();
    }
  });

  test('dispose ends every thread', async () => {
    const baseline = threadCount();
    const pool = new FeatureWindowPool(OPTIONS, {}, { threads: 3 });
    // 800 live streams at first sight: more than one thread's share (each counts 1 audio s/s), so every lane opens
    await Promise.all(Array.from({ length: 800 }, (_, i) => pool.push(`s${i}`, clip.slice(0, CHUNK), undefined, false, true)));
    assert.equal(pool.threads, 3);
    await until(() => pool.threadIds().length === 3, 'three threads running');
    assert.ok(threadCount() >= baseline + 3);
    await pool.dispose();
    await until(() => threadCount() <= baseline, `the thread count back at ${baseline}`);
  });
});
