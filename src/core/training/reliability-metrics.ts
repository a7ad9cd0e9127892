/** One prediction's confidence (its top probability) and whether its label was right. */
export interface ScoredConfidence {
  confidence: number;
  correct: boolean;
}

/**
 * Expected calibration error: predictions binned by confidence into `bins` equal-width bins over
 * [0, 1] (a confidence of exactly 1 goes in the last bin); the share-weighted mean over bins of
 * |accuracy − mean confidence|. 0 for a perfectly calibrated model; 0 for no predictions.
 */
export function expectedCalibrationError(scored: ScoredConfidence[], bins = 10): number {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`bins must be a whole number >= 1, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const confidenceSum = new Array<number>(bins).fill(0);
  const correctSum = new Array<number>(bins).fill(0);
  for (const { confidence, correct } of scored) {
    if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`a confidence must be in [0, 1], got ${confidence}`);
    const bin = Math.min(bins - 1, Math.floor(confidence * bins));
    count[bin]++;
    confidenceSum[bin] += confidence;
    if (correct) correctSum[bin]++;
  }
  if (scored.length === 0) return 0;
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += (count[b] / scored.length) * Math.abs(correctSum[b] / count[b] - confidenceSum[b] / count[b]);
  }
  return ece;
}

/** What routing only the predictions at or above a confidence threshold gives. */
export interface CoveragePoint {
  threshold: number;
  /** share of all predictions kept */
  coverage: number;
  /** accuracy of the kept predictions (undefined when none is kept) */
  accuracy: number | undefined;
  kept: number;
}

export const COVERAGE_THRESHOLDS = [0, 0.4, 0.5, 0.6, 0.7, 0.8] as const;

/** Coverage and accuracy of the predictions with confidence >= each threshold. */
export function coverageVsAccuracy(scored: ScoredConfidence[], thresholds: readonly number[] = COVERAGE_THRESHOLDS): CoveragePoint[] {
  return thresholds.map((threshold) => {
    const kept = scored.filter((s) => s.confidence >= threshold);
    const right = kept.filter((s) => s.correct).length;
    return {
      threshold,
      coverage: scored.length ? kept.length / scored.length : 0,
      accuracy: kept.length ? right / kept.length : undefined,
      kept: kept.length,
    };
  });
}
