import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LagMeter } from '../../src/nodes/audio-source/lag-meter';

test("a recorder's wait before its first audio counts as lag of its first chunk and of every chunk after it", () => {
  let clock = 10_000;
  const meter = new LagMeter(() => clock);
  meter.started();
  // The recorder's first audio comes 2 s after its start; its chunks are stamped from then on.
  clock += 2000;
  const first = clock;
  assert.equal(meter.measure(first), 2000);
  clock += 250;
  assert.equal(meter.measure(first + 250), 2000, 'in time since, but still 2 s behind its start');
  assert.equal(meter.takeWorst(), 2000);
  // Restarted: measured from the new start.
  meter.started();
  clock += 100;
  assert.equal(meter.measure(clock), 100);
});

test('without a start (streams from the flow), a chunk is measured from its own timestamp', () => {
  let clock = 10_000;
  const meter = new LagMeter(() => clock);
  assert.equal(meter.measure(clock - 300), 300);
  clock += 5000;
  assert.equal(meter.measure(clock + 1000), 0, 'ahead of real time counts as 0');
});
