import { MFCC_DCT } from './mfcc-filter-bank';
import { NUM_FILTERS, NUM_MFCC } from './pyaudioanalysis-constants';

/**
 * Rows 0..12 of the 40-point DCT-II of log10 G and of 1 / G (a frame record's logMelDct and
 * inverseMelDct), from the folded inputs:
 *
 * Row k takes L[n] and L[39-n] with the same sign for even k, opposite for odd k; among the even
 * rows, k = 0 mod 4 takes s[n] = L[n] + L[39-n] and s[19-n] with the same sign, k = 2 mod 4
 * opposite. So the 40 inputs fold to 10 + 10 + 20 values, and each row is 10 or 20 products long.
 *
 * The rows that share folded inputs are summed together, input by input (4 rows of the first 10,
 * 3 of the next 10, 6 of the last 20, each for both signals): independent sums the processor
 * overlaps, where one row after another waits on each sum's previous add.
 */
const ROWS_0_MOD_4 = [0, 4, 8, 12];
const ROWS_2_MOD_4 = [2, 6, 10];
const ODD_ROWS = [1, 3, 5, 7, 9, 11];

/** rows' coefficients of their folded inputs, input by input: [n * rows.length + r] */
function interleavedRows(rows: number[], length: number): Float64Array {
  const m = new Float64Array(rows.length * length);
  for (let n = 0; n < length; n++) {
    for (let r = 0; r < rows.length; r++) m[n * rows.length + r] = MFCC_DCT[rows[r] * NUM_FILTERS + n];
  }
  return m;
}
const D0 = interleavedRows(ROWS_0_MOD_4, 10);
const D2 = interleavedRows(ROWS_2_MOD_4, 10);
const D1 = interleavedRows(ODD_ROWS, 20);
/** The rows' coefficients by folded input, for the WebAssembly kernel that does the same sums (frame-spectrum-simd.ts). */
export const FOLDED_DCT_ROWS = { rows0Mod4: D0, rows2Mod4: D2, oddRows: D1 };
if (NUM_MFCC !== 13) throw new Error('mfcc-folded-dct: written for 13 coefficients');

/** Work arrays of foldedMfccDcts: the folded log10 G and 1 / G. */
export class FoldedMfccScratch {
  readonly log = new Float64Array(NUM_FILTERS);
  readonly inverse = new Float64Array(NUM_FILTERS);
}

/**
 * DCT rows 0..12 of log10 G into logOut[logAt + k] and of 1 / G into inverseOut[inverseAt + k]
 * (G: 40 positive filter outputs). Natural logs (Math.log costs 2/3 of Math.log10), each row's
 * sum scaled to log10 once.
 */
export function foldedMfccDcts(
  G: Float64Array,
  scratch: FoldedMfccScratch,
  logOut: Float64Array,
  logAt: number,
  inverseOut: Float32Array,
  inverseAt: number,
): void {
  const fl = scratch.log;
  const fi = scratch.inverse;
  for (let n = 0; n < 10; n++) {
    const logA = Math.log(G[n]);
    const logB = Math.log(G[39 - n]);
    const logC = Math.log(G[19 - n]);
    const logD = Math.log(G[20 + n]);
    fl[n] = logA + logB + (logC + logD);
    fl[10 + n] = logA + logB - (logC + logD);
    fl[20 + n] = logA - logB;
    fl[39 - n] = logC - logD;
    const invA = 1 / G[n];
    const invB = 1 / G[39 - n];
    const invC = 1 / G[19 - n];
    const invD = 1 / G[20 + n];
    fi[n] = invA + invB + (invC + invD);
    fi[10 + n] = invA + invB - (invC + invD);
    fi[20 + n] = invA - invB;
    fi[39 - n] = invC - invD;
  }
  let l0 = 0,
    l4 = 0,
    l8 = 0,
    l12 = 0,
    i0 = 0,
    i4 = 0,
    i8 = 0,
    i12 = 0;
  for (let n = 0; n < 10; n++) {
    const x = fl[n];
    const y = fi[n];
    const d = n * 4;
    l0 += D0[d] * x;
    i0 += D0[d] * y;
    l4 += D0[d + 1] * x;
    i4 += D0[d + 1] * y;
    l8 += D0[d + 2] * x;
    i8 += D0[d + 2] * y;
    l12 += D0[d + 3] * x;
    i12 += D0[d + 3] * y;
  }
  let l2 = 0,
    l6 = 0,
    l10 = 0,
    i2 = 0,
    i6 = 0,
    i10 = 0;
  for (let n = 0; n < 10; n++) {
    const x = fl[10 + n];
    const y = fi[10 + n];
    const d = n * 3;
    l2 += D2[d] * x;
    i2 += D2[d] * y;
    l6 += D2[d + 1] * x;
    i6 += D2[d + 1] * y;
    l10 += D2[d + 2] * x;
    i10 += D2[d + 2] * y;
  }
  let l1 = 0,
    l3 = 0,
    l5 = 0,
    l7 = 0,
    l9 = 0,
    l11 = 0;
  let i1 = 0,
    i3 = 0,
    i5 = 0,
    i7 = 0,
    i9 = 0,
    i11 = 0;
  for (let n = 0; n < 20; n++) {
    const x = fl[20 + n];
    const y = fi[20 + n];
    const d = n * 6;
    l1 += D1[d] * x;
    i1 += D1[d] * y;
    l3 += D1[d + 1] * x;
    i3 += D1[d + 1] * y;
    l5 += D1[d + 2] * x;
    i5 += D1[d + 2] * y;
    l7 += D1[d + 3] * x;
    i7 += D1[d + 3] * y;
    l9 += D1[d + 4] * x;
    i9 += D1[d + 4] * y;
    l11 += D1[d + 5] * x;
    i11 += D1[d + 5] * y;
  }
  const s = Math.LOG10E;
  logOut[logAt] = l0 * s;
  logOut[logAt + 1] = l1 * s;
  logOut[logAt + 2] = l2 * s;
  logOut[logAt + 3] = l3 * s;
  logOut[logAt + 4] = l4 * s;
  logOut[logAt + 5] = l5 * s;
  logOut[logAt + 6] = l6 * s;
  logOut[logAt + 7] = l7 * s;
  logOut[logAt + 8] = l8 * s;
  logOut[logAt + 9] = l9 * s;
  logOut[logAt + 10] = l10 * s;
  logOut[logAt + 11] = l11 * s;
  logOut[logAt + 12] = l12 * s;
  inverseOut[inverseAt] = i0;
  inverseOut[inverseAt + 1] = i1;
  inverseOut[inverseAt + 2] = i2;
  inverseOut[inverseAt + 3] = i3;
  inverseOut[inverseAt + 4] = i4;
  inverseOut[inverseAt + 5] = i5;
  inverseOut[inverseAt + 6] = i6;
  inverseOut[inverseAt + 7] = i7;
  inverseOut[inverseAt + 8] = i8;
  inverseOut[inverseAt + 9] = i9;
  inverseOut[inverseAt + 10] = i10;
  inverseOut[inverseAt + 11] = i11;
  inverseOut[inverseAt + 12] = i12;
}
