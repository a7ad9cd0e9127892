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
