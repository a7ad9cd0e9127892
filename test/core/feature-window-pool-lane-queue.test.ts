import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LaneQueue, type QueuedJob } from '../../src/core/features/feature-window-pool-lane-queue';
import type { PoolRequest } from '../../src/core/features/feature-window-pool-protocol';

interface Job extends QueuedJob {
  name: string;
}

let clock = 0;
const streams = new Map<string, object>();
const streamOf = (id: string) => streams.get(id) ?? streams.set(id, {}).get(id)!;

/** A chunk of stream `id` (`name` says which), 100 bytes. */
function chunk(id: string, name: string): Job {
  const request: PoolRequest = {
    kind: 'push',
    id: clock,
    streamId: id,
    samples: new Int16Array(0),
    timestamp: undefined,
    final: false,
    afterGap: false,
  };
  return { name, request, bytes: 100, arrived: clock++, assignment: streamOf(id) };
}

function reset(name: string, streamId?: string): Job {
  return { name, request: { kind: 'reset', id: clock, streamId }, bytes: 0, arrived: clock++ };
}

function drain(queue: LaneQueue<Job>): string[] {
  const names: string[] = [];
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) names.push(job.name);
  return names;
}

describe('LaneQueue', () => {
  test("a chunk that completes a window goes ahead of those that complete none, its stream's waiting chunks first", () => {
    const queue = new LaneQueue<Job>();
    queue.add(chunk('a', 'a1'), false);
    queue.add(chunk('b', 'b1'), false);
    queue.add(chunk('a', 'a2'), false);
    queue.add(chunk('c', 'c1'), false);
    queue.add(chunk('b', 'b2'), true);
    queue.add(chunk('a', 'a3'), false);
    queue.add(chunk('c', 'c2'), true);
    assert.equal(queue.length, 7);
    assert.equal(queue.bytes, 700);
    assert.equal(queue.peek()?.name, 'b1');
    assert.deepEqual(drain(queue), ['b1', 'b2', 'c1', 'c2', 'a1', 'a2', 'a3']);
    assert.equal(queue.bytes, 0);
  });

  test('nothing goes ahead of a waiting reset; once it went, chunks go ahead again', () => {
    const queue = new LaneQueue<Job>();
    queue.add(chunk('a', 'a1'), false);
    queue.add(reset('reset a', 'a'), false);
    queue.add(chunk('a', 'a2'), true);
    queue.add(chunk('b', 'b1'), true);
    assert.deepEqual(drain(queue), ['a1', 'reset a', 'a2', 'b1']);
    queue.add(chunk('a', 'a3'), false);
    queue.add(chunk('b', 'b2'), true);
    assert.deepEqual(drain(queue), ['b2', 'a3']);
  });

  test('the oldest are dropped first from either queue; what is kept stays in its place', () => {
    const queue = new LaneQueue<Job>();
    queue.add(chunk('a', 'a1'), false);
    queue.add(chunk('b', 'b1'), true);
    queue.add(chunk('c', 'c1'), false);
    queue.add(chunk('b', 'b2'), true);
    const dropped: string[] = [];
    // drop down to 100 bytes; b1 is "kept" as a reset (as a dropped last chunk is)
    queue.dropOldestWhile(
      () => queue.bytes > 100,
      (job) => {
        dropped.push(job.name);
        if (job.name !== 'b1') return false;
        job.bytes = 0;
        job.request = { kind: 'reset', id: job.request.id, streamId: 'b' };
        return true;
      },
    );
    assert.deepEqual(dropped, ['a1', 'b1', 'c1']);
    assert.equal(queue.bytes, 100);
    assert.deepEqual(drain(queue), ['b1', 'b2']);
  });

  test('filter keeps the order and the counts: a chunk goes ahead past what was filtered out, not past a reset it made', () => {
    const queue = new LaneQueue<Job>();
    queue.add(chunk('a', 'a1'), false);
    queue.add(chunk('b', 'b1'), false);
    queue.add(chunk('c', 'c1'), false);
    queue.filter((job) => job.name !== 'a1');
    queue.add(chunk('a', 'a2'), true);
    assert.equal(queue.bytes, 300);
    assert.deepEqual(drain(queue), ['a2', 'b1', 'c1']);

    queue.add(chunk('b', 'b2'), false);
    queue.add(chunk('c', 'c2'), false);
    queue.filter((job) => {
      if (job.name === 'b2') job.request = { kind: 'reset', id: job.request.id, streamId: 'b' };
      return true;
    });
    queue.add(chunk('c', 'c3'), true);
    assert.deepEqual(drain(queue), ['b2', 'c2', 'c3']);
    assert.deepEqual(queue.clear(), []);
  });

  test("a stream's many waiting chunks go ahead at once; the queue counts and drains the rest", () => {
    const queue = new LaneQueue<Job>();
    queue.add(chunk('z', 'z1'), false);
    for (let i = 0; i < 1100; i++) queue.add(chunk('b', `b${i}`), false);
    queue.add(chunk('b', 'b-window'), true);
    assert.equal(queue.length, 1102);
    assert.equal(queue.peek()?.name, 'b0');
    const order = drain(queue);
    assert.equal(order.length, 1102);
    assert.deepEqual(order.slice(-2), ['b-window', 'z1']);
    assert.equal(queue.length, 0);
  });
});
