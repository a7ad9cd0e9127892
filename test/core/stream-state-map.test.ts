import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamStateMap } from '../../src/core/stream-state-map';

test('drops the least recently used stream beyond capacity and idle streams on sweep, each through onEvict once', () => {
  let now = 0;
  const evicted: string[] = [];
  const states = new StreamStateMap<number>({
    maxStreams: 2,
    idleMs: 1000,
    now: () => now,
    onEvict: (id, _state, reason) => evicted.push(`${id}:${reason}`),
  });
  states.getOrCreate('a', () => 1);
  now = 10;
  states.getOrCreate('b', () => 2);
  now = 20;
  assert.equal(
    states.getOrCreate('a', () => 99),
    1,
    'an existing state is returned, not re-created',
  );
  now = 30;
  states.getOrCreate('c', () => 3);
  assert.deepEqual(evicted, ['b:capacity']);
  assert.equal(states.sweep(1025), 1);
  assert.deepEqual(evicted, ['b:capacity', 'a:idle']);
  assert.deepEqual(states.streamIds(), ['c']);
  states.delete('c');
  states.getOrCreate('d', () => 4);
  states.clear();
  assert.deepEqual(evicted, ['b:capacity', 'a:idle', 'c:removed', 'd:cleared']);
  assert.equal(states.size, 0);
});

test('idleMs 0 never expires, and capacity must be at least one', () => {
  const states = new StreamStateMap<number>({ maxStreams: 5, idleMs: 0, now: () => 0 });
  states.getOrCreate('x', () => 1);
  assert.equal(states.sweep(1e12), 0);
  assert.throws(() => new StreamStateMap({ maxStreams: 0, idleMs: 0 }), /at least 1/);
});

test('admit: at capacity a new stream takes the place of one quiet for keepActiveMs, and is refused while all are active', () => {
  let now = 0;
  const evicted: string[] = [];
  const states = new StreamStateMap<string>({
    maxStreams: 2,
    idleMs: 0,
    keepActiveMs: 5000,
    now: () => now,
    onEvict: (id, _state, reason) => evicted.push(`${id}:${reason}`),
  });
  assert.equal(
    states.admit('a', () => 'A'),
    'A',
  );
  now = 1000;
  assert.equal(
    states.admit('b', () => 'B'),
    'B',
  );
  now = 4999;
  let created = false;
  assert.equal(
    states.admit('c', () => {
      created = true;
      return 'C';
    }),
    undefined,
    'refused: a was heard 4,999 ms ago',
  );
  assert.equal(created, false, 'nothing is made for a refused stream');
  assert.deepEqual(states.streamIds(), ['a', 'b']);
  assert.equal(
    states.admit('a', () => 'A2'),
    'A',
    'a held stream is still served',
  );
  now = 9999;
  assert.equal(
    states.admit('c', () => 'C'),
    'C',
    'b, quiet since 1,000, makes room',
  );
  assert.deepEqual(evicted, ['b:capacity']);
  // Round robin over one stream more than the places: the active ones keep theirs, the newcomer stays refused
  // (getOrCreate, plain LRU, would evict a stream on every call and serve none for long).
  const served = { a: 0, c: 0, d: 0 };
  for (let i = 0; i < 30; i++) {
    now += 250;
    for (const id of ['a', 'c', 'd'] as const) if (states.admit(id, () => id)) served[id]++;
  }
  assert.deepEqual(served, { a: 30, c: 30, d: 0 });
  assert.deepEqual(evicted, ['b:capacity']);
});
