import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameRecords, REC, REC16, REC32, float32AtMost } from '../../src/core/features/frame-record';

test('a record value kept as float32 plus a 16-bit correction reads back within 2^-38 relative; 0, NaN and values beyond float32 exactly', () => {
  const records = new FrameRecords(3);
  const values = [1 / 3, -Math.PI * 1e7, 123456.789012345, 2 ** -126 * 1.1, 3e38, 7e-30];
  for (const [n, x] of values.entries()) {
    records.setPrecise(n % 3, n % REC.length, x);
    const read = records.precise(n % 3, n % REC.length);
    assert.ok(Math.abs(read - x) <= 2 ** -38 * Math.abs(x), `${x} read as ${read}`);
    assert.notEqual(read, Math.fround(x), `${x}: more than its float32`);
  }
  const before = records.byteLength;
  for (const x of [0, NaN, 1e-40, -5e-45, 1e39, -1e300, Infinity, 2 ** -1074]) {
    records.setPrecise(1, REC.fluxCross, x);
    assert.ok(Object.is(records.precise(1, REC.fluxCross), x), `${x} read as ${records.precise(1, REC.fluxCross)}`);
  }
  // the values beyond float32 are kept in double precision beside the records, and counted
  assert.equal(records.byteLength, before + 3 * REC.length * 8);
  records.ensureSlots(5);
  assert.equal(records.precise(1, REC.fluxCross), 2 ** -1074);
  // the window code's read
  for (let i = 0; i < REC.length; i++) {
    const read = FrameRecords.precise(records, records.singles, records.halves, REC32.length, REC16.length, 1, i);
    assert.ok(Object.is(read, records.precise(1, i)));
  }
});

test('zero-crossing pivots: float32 values kept as they are, others exactly; reaches rounded down', () => {
  const records = new FrameRecords(2);
  records.setZcrPivot(0, 5 / 32768);
  records.setZcrPivot(1, 0.1);
  assert.equal(records.zcrPivot(0), 5 / 32768);
  assert.equal(records.zcrPivot(1), 0.1);
  for (const x of [0.1, 1 / 3, 2 ** -15, 1e-40, 3e38, Infinity]) {
    const f = float32AtMost(x);
    assert.ok(f <= x && f === Math.fround(f), `${x} -> ${f}`);
    assert.ok(f === x || x - f <= Math.max(2 ** -22 * x, 2 ** -149) || f === 0, `${x} -> ${f}: more than two float32 steps down`);
  }
});
