import { MFCC_FILTER_BANK } from './mfcc-filter-bank';
import { NUM_FILTERS } from './pyaudioanalysis-constants';

/**
 * The MFCC filter bank bin by bin: the toolkit's triangles overlap only with their neighbours, so
 * every bin feeds at most two filters, `upper` and `upper - 1` (one triangle's rising side, the one
 * below's falling side). One loop over the bins with two multiply-adds each replaces 40 short loops
 * of 1 to 11 products (161 in all) whose varying lengths cost more than the products.
 */
function buildBins() {
  const { start, weights } = MFCC_FILTER_BANK;
  let first = Infinity;
  let end = 0;
  for (let i = 0; i < NUM_FILTERS; i++) {
    first = Math.min(first, start[i]);
    end = Math.max(end, start[i] + weights[i].length);
  }
  const count = end - first;
  const upper = new Int32Array(count).fill(-1);
  const upperWeight = new Float64Array(count);
  const lowerWeight = new Float64Array(count);
  const feeds = new Uint8Array(count);
  for (let i = 0; i < NUM_FILTERS; i++) {
    for (let w = 0; w < weights[i].length; w++) {
      const b = start[i] + w - first;
      if (++feeds[b] > 2 || (feeds[b] === 2 && upper[b] !== i - 1)) {
        throw new Error('MFCC filter bank: a bin feeds more than two filters or two that are not neighbours');
      }
      lowerWeight[b] = upperWeight[b];
      upper[b] = i;
      upperWeight[b] = weights[i][w];
    }
  }
  if (upper.some((u) => u < 0)) throw new Error('MFCC filter bank: a bin between the filters feeds none');
  return { first, count, upper, upperWeight, lowerWeight };
}

const BINS = buildBins();
const FIRST_BIN = BINS.first;
const BIN_COUNT = BINS.count;
const UPPER_FILTER = BINS.upper;
const UPPER_WEIGHT = BINS.upperWeight;
const LOWER_WEIGHT = BINS.lowerWeight;

/**
 * Filter i's output G_i = sum over its bins of weight * A_k into sums[i + 1] (sums[0] takes the
 * zero-weight share of bins below filter 1's start; sums has NUM_FILTERS + 1 values).
 */
export function mfccFilterSums(A: Float64Array, sums: Float64Array): void {
  sums.fill(0);
  for (let b = 0; b < BIN_COUNT; b++) {
    const a = A[FIRST_BIN + b];
    const u = UPPER_FILTER[b] + 1;
    sums[u] += UPPER_WEIGHT[b] * a;
    sums[u - 1] += LOWER_WEIGHT[b] * a;
  }
}
