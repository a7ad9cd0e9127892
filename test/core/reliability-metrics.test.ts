import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageVsAccuracy, expectedCalibrationError } from '../../src/core/training/reliability-metrics';

const scored = (pairs: [number, boolean][]) => pairs.map(([confidence, correct]) => ({ confidence, correct }));

test('expected calibration error weighs each bin’s |accuracy − confidence| by its share', () => {
  // bin [0.9, 1]: 0.95 and 1.0, one right → accuracy 0.5, mean confidence 0.975, gap 0.475, share 2/5
  // bin [0.5, 0.6): 0.5, 0.55, 0.55, two right → accuracy 2/3, mean confidence 0.5333…, gap 0.1333…, share 3/5
  const ece = expectedCalibrationError(
    scored([
      [0.95, true],
      [1.0, false],
      [0.5, true],
      [0.55, true],
      [0.55, false],
    ]),
  );
  assert.ok(Math.abs(ece - ((2 / 5) * 0.475 + (3 / 5) * (2 / 3 - 1.6 / 3))) < 1e-12, String(ece));
});

test('a calibrated set scores 0, a confidently wrong one scores its confidence', () => {
  assert.equal(
    expectedCalibrationError(
      scored([
        [0.75, true],
        [0.75, true],
        [0.75, true],
        [0.75, false],
      ]),
    ),
    0,
  );
  assert.ok(Math.abs(expectedCalibrationError(scored([[0.9, false]])) - 0.9) < 1e-12);
  assert.equal(expectedCalibrationError([]), 0);
  assert.throws(() => expectedCalibrationError(scored([[1.2, true]])), /in \[0, 1\]/);
});

test('coverage vs accuracy keeps the predictions at or above each threshold', () => {
  const points = coverageVsAccuracy(
    scored([
      [0.3, false],
      [0.45, false],
      [0.5, true],
      [0.65, false],
      [0.9, true],
    ]),
    [0, 0.5, 0.7, 0.95],
  );
  assert.deepEqual(
    points.map((p) => [p.threshold, p.kept, p.coverage, p.accuracy]),
    [
      [0, 5, 1, 2 / 5],
      [0.5, 3, 3 / 5, 2 / 3],
      [0.7, 1, 1 / 5, 1],
      [0.95, 0, 0, undefined],
    ],
  );
});
