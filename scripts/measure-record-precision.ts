/**
 * How far less precision in a frame record's values moves the features: for each candidate (a REC
 * value or a group of them), the values are read back rounded to float32, or as the records keep them
 * (float32 plus a 16-bit correction, FrameRecords.precise: the row "stored"), and the largest violation
 * of the tests' tolerance (1e-6 relative, 1e-9 absolute; 1 = at the tolerance) is measured against
 * the run that reads them in double precision, over every frame of every golden file (per-frame
 * features and clip vectors) and over streaming 3 s windows (every 1 s, 16-bit input, speech-only and
 * plain) of RAVDESS clips.
 * Usage: npx tsx scripts/measure-record-precision.ts [--clips 40] [--only NAME,NAME] [--together NAME,NAME]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { FrameRecords, REC } from '../src/core/features/frame-record';
import { paperShortTermMatrix, paperClipVector } from '../src/core/features/paper-features';
import { FeatureWindowStream } from '../src/core/features/feature-window-stream';
import { CORPUS_16K, goldenCases } from '../test/helpers/corpus';
import { worstViolation } from '../test/core/features-golden-fixtures';

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const clipCount = Number(argValue('clips') ?? 40);
const only = argValue('only')?.split(',');

const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i);
/** candidates: the REC values rounded (the largest A_k, the smallest filter output and the blocks were measured
 * this way before they moved to single precision: 4e-9, 0 and 0.055 / 0.043 for means / energies at worst) */
const candidates: { name: string; rec: number[]; stored?: boolean }[] = [
  { name: 'stored', rec: range(0, REC.length), stored: true },
  { name: 'frameMean', rec: [REC.frameMean] },
  { name: 'sumA', rec: [REC.sumA] },
  { name: 'sumIndA', rec: [REC.sumIndA] },
  { name: 'sumInd2A', rec: [REC.sumInd2A] },
  { name: 'entropyBlock0', rec: [REC.entropyBlock0] },
  { name: 'entropyUpper', rec: [REC.entropyUpper] },
  { name: 'entropyUpperBLogB', rec: [REC.entropyUpperBLogB] },
  { name: 'fluxCross', rec: [REC.fluxCross] },
  { name: 'logMelDct0', rec: [REC.logMelDct] },
  { name: 'logMelDct1-12', rec: range(REC.logMelDct + 1, 12) },
];
const extra = argValue('together');
if (extra) {
  const names = extra.split(',');
  const chosen = candidates.filter((c) => names.includes(c.name));
  candidates.push({
    name: `together(${extra})`,
    rec: chosen.flatMap((c) => c.rec),
  });
}

// every REC value as it was computed, beside the records' own encoding of it
const exactValues = new WeakMap<FrameRecords, Map<number, number>>();
const originalSet = FrameRecords.prototype.setPrecise;
const originalRead = FrameRecords.precise;
FrameRecords.prototype.setPrecise = function (slot, i, x) {
  originalSet.call(this, slot, i, x);
  let values = exactValues.get(this);
  if (!values) exactValues.set(this, (values = new Map()));
  values.set(slot * REC.length + i, x);
};
const originalSetValues = FrameRecords.prototype.setPreciseValues;
FrameRecords.prototype.setPreciseValues = function (slot, values, first, count) {
  originalSetValues.call(this, slot, values, first, count);
  let kept = exactValues.get(this);
  if (!kept) exactValues.set(this, (kept = new Map()));
  for (let i = first; i < first + count; i++) kept.set(slot * REC.length + i, values[i]);
};
/** Reads the candidate's values rounded to float32 (or as stored), the others exactly; all exactly without a candidate. */
function roundWith(candidate: (typeof candidates)[number] | undefined): void {
  const rounded = new Set(candidate?.rec ?? []);
  FrameRecords.precise = (records, singles, halves, at32, at16, slot, i) => {
    if (!rounded.has(i)) return exactValues.get(records)!.get(slot * REC.length + i)!;
    if (candidate!.stored) return originalRead(records, singles, halves, at32, at16, slot, i);
    return Math.fround(exactValues.get(records)!.get(slot * REC.length + i)!);
  };
}

function streamVectors(clip: Int16Array, trimSilence: boolean): Float64Array[] {
  const stream = new FeatureWindowStream('measure', { windowSeconds: 3, hopSeconds: 1, trimSilence });
  const vectors: Float64Array[] = [];
  for (let i = 0; i < clip.length; i += 4000)
    for (const w of stream.push(clip.subarray(i, i + 4000))) vectors.push(Float64Array.from(w.vector));
  for (const w of stream.end()) vectors.push(Float64Array.from(w.vector));
  return vectors;
}

async function main() {
  const golden = await Promise.all(
    goldenCases()
      .filter((c) => !c.name.includes('sine')) // compared at 1e-3 by the tests: its MFCCs are FFT rounding noise
      .map(async (c) => ({ name: c.name, samples: await loadAudioFileAs16kMono(c.wavPath) })),
  );
  const paths = readFileSync(join(CORPUS_16K, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0])
    .slice(0, clipCount);
  const clips = await Promise.all(
    paths.map(async (p) => Int16Array.from(await loadAudioFileAs16kMono(join(CORPUS_16K, p)), (v) => v * 32768)),
  );

  const run = () => ({
    frames: golden.map((g) => paperShortTermMatrix(g.samples, 0, g.samples.length)),
    clipVectors: golden.map((g) => paperClipVector(g.samples)),
    windows: clips.flatMap((c) => [...streamVectors(c, false), ...streamVectors(c, true)]),
  });
  roundWith(undefined);
  const exact = run();
  console.log(
    `${golden.length} golden files (${exact.frames.reduce((n, m) => n + m.length / 34, 0)} frames), ${clips.length} RAVDESS clips (${exact.windows.length} windows)`,
  );
  console.log(
    'candidate (rounded to float32; stored: all as the records keep them): worst violation of 1e-6 rel + 1e-9 abs (1 = at the tolerance): per frame / clip vectors / stream windows',
  );
  for (const candidate of candidates) {
    if (only && !only.includes(candidate.name) && !candidate.name.startsWith('together')) continue;
    roundWith(candidate);
    const rounded = run();
    const worst = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.map((x, i) => worstViolation(x, b[i], 1e-6, 1e-9).ratio));
    console.log(
      `${candidate.name}: ${worst(rounded.frames, exact.frames).toExponential(2)} / ${worst(rounded.clipVectors, exact.clipVectors).toExponential(2)} / ${worst(rounded.windows, exact.windows).toExponential(2)}`,
    );
  }
  roundWith(undefined);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
