import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollingSum } from '../../src/core/features/feature-window-pool-rolling-sum';

test('a rolling sum keeps what was added within its span and forgets what is older', () => {
  const sum = new RollingSum(2000, 8);
  sum.add(10_000, 1);
  sum.add(10_100, 2);
  sum.add(11_000, 4);
  assert.equal(sum.sum(11_000), 7);
  assert.equal(sum.sum(11_900), 7, 'the first bucket is still within the span');
  assert.equal(sum.sum(12_000), 4, 'the first 250 ms bucket has left the span');
  assert.equal(sum.sum(13_000), 0);
  sum.add(60_000, 3);
  assert.equal(sum.sum(60_000), 3, 'a long gap clears every bucket');
  assert.equal(sum.coveredMs(60_100), 1850);
});
