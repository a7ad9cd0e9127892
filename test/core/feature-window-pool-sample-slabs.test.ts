import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SampleSlabs, stagedView, type StagedSamples } from '../../src/core/features/feature-window-pool-sample-slabs';

/** The slabs a thread would hold, kept as SampleSlabs shares and gives them up. */
function sharedWith(): { slabs: SampleSlabs; thread: Map<number, SharedArrayBuffer>; shares: number } {
  const thread = new Map<number, SharedArrayBuffer>();
  const state = {
    thread,
    shares: 0,
    slabs: new SampleSlabs((slab, buffer) => {
      state.shares++;
      if (buffer) thread.set(slab, buffer);
      else thread.delete(slab);
    }, 1024),
  };
  return state;
}

const chunk = (value: number, length = 120) => new Int16Array(length).fill(value);

describe('SampleSlabs', () => {
  test('staged samples read back as given until released, whatever is staged after them', () => {
    const { slabs, thread } = sharedWith();
    // 120 int16 samples take 240 bytes: 4 to a 1 KB slab
    const staged: StagedSamples[] = [];
    for (let i = 0; i < 10; i++) staged.push(slabs.stage(chunk(i))!);
    const floats = slabs.stage(new Float32Array([0.5, -0.25, 1]))!;
    staged.forEach((place, i) => assert.deepEqual([...stagedView(place, thread)], [...chunk(i)]));
    assert.deepEqual([...stagedView(floats, thread)], [0.5, -0.25, 1]);
    assert.equal(thread.size, 3, '11 chunks in three slabs');
    // releasing all but one of a slab's chunks keeps it: the one left is not overwritten
    for (const place of staged.slice(0, 3)) slabs.release(place);
    for (let i = 0; i < 8; i++) slabs.stage(chunk(100 + i));
    assert.deepEqual([...stagedView(staged[3], thread)], [...chunk(3)]);
  });

  test('a slab whose chunks were all released is written again; empty slabs beyond four are given up', () => {
    const state = sharedWith();
    const { slabs, thread } = state;
    const first = [0, 1, 2, 3].map((i) => slabs.stage(chunk(i))!);
    for (const place of first) slabs.release(place);
    const again = slabs.stage(chunk(9))!;
    assert.equal(again.slab, first[0].slab, 'the emptied slab is used again');
    assert.equal(again.byteOffset, 0);
    assert.equal(state.shares, 1);
    slabs.release(again);
    // a burst: 10 slabs in use at once, then all released
    const burst = Array.from({ length: 40 }, (_, i) => slabs.stage(chunk(i))!);
    assert.equal(thread.size, 10);
    for (const place of burst) slabs.release(place);
    assert.equal(thread.size, 5, 'the current slab and four empty ones kept');
    assert.throws(() => stagedView(burst[20], thread), /slab \d+, which it was not given/);
  });

  test('samples are placed as far into an 8-byte word as they lie in their own buffer (the copy goes word by word)', () => {
    const { slabs, thread } = sharedWith();
    const buffer = new Int16Array(400).map((_, i) => i);
    for (const start of [1, 3, 0, 2]) {
      const view = buffer.subarray(start, start + 50);
      const place = slabs.stage(view)!;
      assert.equal(place.byteOffset % 8, view.byteOffset % 8);
      assert.deepEqual([...stagedView(place, thread)], [...view]);
    }
    const floats = new Float32Array(9).map((_, i) => i / 8).subarray(1);
    const place = slabs.stage(floats)!;
    assert.equal(place.byteOffset % 8, 4);
    assert.deepEqual([...stagedView(place, thread)], [...floats]);
  });

  test('samples larger than a slab are not staged', () => {
    const { slabs, thread } = sharedWith();
    assert.equal(slabs.stage(new Int16Array(513)), undefined);
    assert.equal(slabs.stage(new Float32Array(257)), undefined);
    assert.equal(thread.size, 0);
    assert.ok(slabs.stage(new Int16Array(512)));
  });
});
