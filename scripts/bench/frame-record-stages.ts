/**
 * The stages of a frame record (frame-record.ts and what it calls), this checkout's src/ against a
 * git revision's (HEAD unless --baseline), interleaved in one process: A, B, B, A, ... over the same
 * frames of real RAVDESS speech, CPU time per pass, best and median over the rounds. On a loaded
 * shared machine two runs apart can differ by 30%; passes side by side see the same load.
 *
 * Both trees' src/core/features are compiled file by file with the project's compiler options (the
 * CommonJS that `npm run build` emits and Node-RED runs), into separate folders, so neither
 * variant's call sites see the other's arrays or classes.
 *
 * The stage `window` is the window code instead: a window's 34 features from its frames' records (3 s windows
 * every 1 s, each frame in 3), per frame.
 *
 * Usage: tsx scripts/bench/frame-record-stages.ts [--baseline REF] [--seconds 30] [--rounds 9] [--stages fft,mfcc]
 * It also checks that the two variants give the same records (largest difference, relative to each
 * value's spread over the frames).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { loadRavdessSpeech } from './ravdess-speech';
import { cpuSeconds } from './cpu-time';

type FrameRecordModule = typeof import('../../src/core/features/frame-record');
type FftModule = typeof import('../../src/core/features/real-fft-400');
type WindowModule = typeof import('../../src/core/features/window-short-term-features');
type ReferenceModule = typeof import('../../src/core/features/reference-short-term-features');

const ROOT = join(__dirname, '..', '..');
const CORE = 'src/core';
const FEATURES = `${CORE}/features`;
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const baselineRef = option('baseline', 'HEAD');
const targetSeconds = Number(option('seconds', '30'));
const rounds = Number(option('rounds', '9'));
/** --stages fft,mfcc: only these (record, fft, blocks, spectrum, chroma, mfcc, window) */
const onlyStages = option('stages', '').split(',').filter(Boolean);

const cpuMicroseconds = () => cpuSeconds() * 1e6;

/**
 * Compiles .ts files (given as path under src/core -> source) into `outDir`, as tsc would, and writes WebAssembly
 * modules (path -> bytes) beside them, as the build does.
 */
function compileFeatures(sources: Map<string, string | Buffer>, outDir: string): void {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, ROOT);
  mkdirSync(join(outDir, 'features'), { recursive: true });
  for (const [name, source] of sources) {
    if (typeof source !== 'string') {
      writeFileSync(join(outDir, name), source);
      continue;
    }
    const { outputText } = ts.transpileModule(source, { compilerOptions: { ...options, declaration: false }, fileName: name });
    writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
}

const isSource = (f: string) => f.endsWith('.ts') || f.endsWith('.wasm');

/** src/core/features and the files of src/core itself it imports ('../simd-kernel'), by path under src/core. */
function workingTreeSources(): Map<string, string | Buffer> {
  const read = (path: string) =>
    path.endsWith('.ts') ? readFileSync(join(ROOT, CORE, path), 'utf8') : readFileSync(join(ROOT, CORE, path));
  const paths = [
    ...readdirSync(join(ROOT, FEATURES))
      .filter(isSource)
      .map((f) => `features/${f}`),
    ...readdirSync(join(ROOT, CORE)).filter(isSource),
  ];
  return new Map(paths.map((path) => [path, read(path)]));
}

function revisionSources(ref: string): Map<string, string | Buffer> {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: ROOT, maxBuffer: 1 << 26 });
  const list = (dir: string) => git('ls-tree', '--name-only', `${ref}:${dir}`).toString('utf8').split('\n').filter(isSource);
  const paths = [...list(FEATURES).map((f) => `features/${f}`), ...list(CORE)];
  return new Map(
    paths.map((path) => {
      const bytes = git('show', `${ref}:${CORE}/${path}`);
      return [path, path.endsWith('.ts') ? bytes.toString('utf8') : bytes];
    }),
  );
}

interface Variant {
  name: string;
  records: FrameRecordModule;
  fft: FftModule;
  window: WindowModule;
  reference: ReferenceModule;
}

function load(name: string, sources: Map<string, string | Buffer>, tmp: string): Variant {
  const dir = join(tmp, name);
  compileFeatures(sources, dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module just compiled
  const records = require(join(dir, 'features', 'frame-record.js')) as FrameRecordModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module just compiled
  const fft = require(join(dir, 'features', 'real-fft-400.js')) as FftModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module just compiled
  const window = require(join(dir, 'features', 'window-short-term-features.js')) as WindowModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module just compiled
  const reference = require(join(dir, 'features', 'reference-short-term-features.js')) as ReferenceModule;
  return { name, records, fft, window, reference };
}

async function loadSpeech(): Promise<Float32Array> {
  const { stream } = await loadRavdessSpeech(targetSeconds);
  // on the 16-bit grid, as the stream's samples are
  for (let i = 0; i < stream.length; i++) stream[i] = Math.round(stream[i] * 32768) / 32768;
  return stream;
}

const CACHED_SPECTRA = 16;

/** One variant's stages as passes over every frame; each returns a number so that nothing is optimised away. */
function stagesOf(v: Variant, stream: Float32Array, numFrames: number) {
  const { FrameAnalyser, FrameRecords } = v.records;
  const ring = new FrameRecords(302, 302);
  const fft = new v.fft.RealFft400();
  const power = new Float64Array(200);
  // The spectral stages read the spectra of a few frames in turn: in analyse() the spectrum is in the
  // cache, and one array per frame (1.6 KB each) would time cache misses instead.
  const spectra: Float64Array[] = [];
  const magnitudes: Float64Array[] = [];
  for (let j = 0; j < CACHED_SPECTRA; j++) {
    fft.powerSpectrum(stream, j * 160, power);
    spectra.push(Float64Array.from(power));
    magnitudes.push(power.map(Math.sqrt));
  }
  const analyser = new FrameAnalyser();
  analyser.zcrReach = 1 / 32768;
  const slots = ring.slots;
  // every frame's record, and 3 s windows every 1 s over them with their own mean and scale
  const all = new FrameRecords(numFrames);
  const allAnalyser = new FrameAnalyser();
  allAnalyser.zcrReach = 1 / 32768;
  for (let j = 0; j < numFrames; j++) allAnalyser.analyse(stream, j * 160, all, j);
  const windowFrames = 298;
  const windowStarts: number[] = [];
  for (let first = 0; first + windowFrames <= numFrames; first += 100) windowStarts.push(first);
  const normalisations = windowStarts.map((first) => v.reference.normalisationOf(stream, first * 160, first * 160 + 48000));
  const computer = new v.window.WindowFeatureComputer();
  const matrix = new Float64Array(34 * windowFrames);
  return {
    record: () => {
      analyser.resetRun();
      for (let j = 0; j < numFrames; j++) analyser.analyse(stream, j * 160, ring, j % slots);
      return ring.blocks[0];
    },
    fft: () => {
      for (let j = 0; j < numFrames; j++) fft.powerSpectrum(stream, j * 160, power);
      return power[1];
    },
    blocks: () => {
      for (let j = 0; j < numFrames; j++) analyser.analyseBlocks(stream, j * 160, ring, j % slots);
      return ring.blocks[0];
    },
    spectrum: () => {
      for (let j = 0; j < numFrames; j++) analyser.analyseSpectrum(spectra[j % CACHED_SPECTRA], ring, j % slots);
      return ring.blocks[0];
    },
    chroma: () => {
      for (let j = 0; j < numFrames; j++) analyser.analyseChroma(spectra[j % CACHED_SPECTRA], ring, j % slots);
      return ring.blocks[0];
    },
    mfcc: () => {
      for (let j = 0; j < numFrames; j++) analyser.analyseMfcc(magnitudes[j % CACHED_SPECTRA], ring, j % slots);
      return ring.blocks[0];
    },
    window: () => {
      for (let w = 0; w < windowStarts.length; w++) {
        const first = windowStarts[w];
        const frames = {
          records: all,
          slot: (j: number) => first + j,
          samples: () => stream,
          sampleOffset: (j: number) => (first + j) * 160,
          numFrames: windowFrames,
        };
        computer.compute(frames, normalisations[w].mean, normalisations[w].scale, matrix, windowFrames);
      }
      return matrix[5 * windowFrames];
    },
  };
}

/** The record fields the two variants compare: those kept to ~1e-12 (double) and those in single precision or whole numbers. */
const DOUBLE_FIELDS: [string, number][] = [
  ['frameMean', 1],
  ['sumA', 1],
  ['sumIndA', 1],
  ['sumInd2A', 1],
  ['entropyBlock0', 1],
  ['entropyUpper', 1],
  ['entropyUpperBLogB', 1],
  ['fluxCross', 1],
  ['logMelDct', 13],
  ['zcrPivot', 1],
];
const SINGLE_FIELDS: [string, number][] = [
  ['zcrReach', 1],
  ['zcrBelow', 1],
  ['zcrAbove', 1],
  ['rolloffBin', 1],
  ['sampleGridStep', 1],
  ['inverseMelDct', 13],
  ['chroma', 12],
  ['maxA', 1],
  ['minFilter', 1],
];

/** Value `offset` of field `name` of a slot's record, in either layout (REC in doubles, or REC as float32 + 16-bit correction). */
function recordValue(
  v: Variant,
  records: InstanceType<FrameRecordModule['FrameRecords']>,
  slot: number,
  name: string,
  offset: number,
): number {
  const tables = v.records as unknown as Record<string, Record<string, number> | undefined>;
  const r = records as unknown as Record<string, ArrayLike<number> | ((slot: number, i: number) => number) | undefined>;
  const rec = tables.REC!;
  const precise = r.precise;
  if (typeof precise === 'function') {
    if (name === 'zcrPivot') return (r.zcrPivot as (slot: number) => number).call(records, slot);
    if (name === 'sampleGridStep') {
      const exponent = recordValue(v, records, slot, 'sampleGridExponent', 0);
      return exponent > 0 ? 2 ** -exponent : 0;
    }
    if (name in rec) return precise.call(records, slot, rec[name] + offset);
    const rec32 = tables.REC32!;
    if (name in rec32) return (r.singles as ArrayLike<number>)[slot * rec32.length + rec32[name] + offset];
    const rec16 = tables.REC16!;
    return (r.halves as ArrayLike<number>)[slot * rec16.length + rec16[name] + offset];
  }
  if (name in rec) return (r.values as ArrayLike<number>)[slot * rec.length + rec[name] + offset];
  const rec32 = tables.REC32!;
  return (r.small as ArrayLike<number>)[slot * rec32.length + rec32[name] + offset];
}

/** Largest difference between the two variants' records of every frame, relative to each value's spread. */
function recordDifference(a: Variant, b: Variant, stream: Float32Array, numFrames: number): { values: number; small: number } {
  const run = (v: Variant) => {
    const records = new v.records.FrameRecords(numFrames);
    const analyser = new v.records.FrameAnalyser();
    analyser.zcrReach = 1 / 32768;
    for (let j = 0; j < numFrames; j++) analyser.analyse(stream, j * 160, records, j);
    return records;
  };
  const ra = run(a);
  const rb = run(b);
  const largest = (fields: [string, number][]) => {
    let worst = 0;
    for (const [name, width] of fields) {
      for (let c = 0; c < width; c++) {
        const x = Array.from({ length: numFrames }, (_, j) => recordValue(a, ra, j, name, c));
        const y = Array.from({ length: numFrames }, (_, j) => recordValue(b, rb, j, name, c));
        let low = Infinity;
        let high = -Infinity;
        for (const value of x) {
          if (Number.isFinite(value)) {
            low = Math.min(low, value);
            high = Math.max(high, value);
          }
        }
        const spread = high - low || 1;
        for (let j = 0; j < numFrames; j++) {
          const p = x[j];
          const q = y[j];
          if (Number.isNaN(p) && Number.isNaN(q)) continue;
          if (p === q) continue;
          worst = Math.max(worst, Math.abs(p - q) / spread);
        }
      }
    }
    return worst;
  };
  return { values: largest(DOUBLE_FIELDS), small: largest(SINGLE_FIELDS) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'frame-record-stages-'));
  try {
    const before = load('baseline', revisionSources(baselineRef), tmp);
    const after = load('working-tree', workingTreeSources(), tmp);
    const stream = await loadSpeech();
    const numFrames = Math.floor((stream.length - 400) / 160) + 1;
    console.log(
      `${(stream.length / 16000).toFixed(1)} s of RAVDESS speech, ${numFrames} frames, node ${process.version}; ` +
        `${rounds} rounds, A = ${baselineRef}, B = working tree, interleaved; CPU time per frame`,
    );
    const difference = recordDifference(before, after, stream, numFrames);
    console.log(
      `records, largest difference relative to each value's spread: double (or float32 + correction) ${difference.values.toExponential(2)}, single ${difference.small.toExponential(2)}`,
    );
    const a = stagesOf(before, stream, numFrames);
    const b = stagesOf(after, stream, numFrames);
    const stageNames = (Object.keys(a) as (keyof typeof a)[]).filter((s) => onlyStages.length === 0 || onlyStages.includes(s));
    const times = new Map(stageNames.map((s) => [s, { a: [] as number[], b: [] as number[] }]));
    let sink = 0;
    // warm-up: both variants optimised before any pass is timed
    for (let w = 0; w < 3; w++) for (const s of stageNames) sink += a[s]() + b[s]();
    for (let r = 0; r < rounds; r++) {
      for (const s of stageNames) {
        const order = r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
        for (const which of order) {
          const pass = which === 'a' ? a[s] : b[s];
          const t0 = cpuMicroseconds();
          sink += pass();
          times.get(s)![which].push((cpuMicroseconds() - t0) / numFrames);
        }
      }
    }
    const us = (x: number) => x.toFixed(2).padStart(6);
    console.log('stage       A best  A median   B best  B median   B/A (medians)');
    for (const s of stageNames) {
      const t = times.get(s)!;
      console.log(
        `${s.padEnd(10)} ${us(Math.min(...t.a))}  ${us(median(t.a))}    ${us(Math.min(...t.b))}  ${us(median(t.b))}    ${(median(t.b) / median(t.a)).toFixed(3)}`,
      );
    }
    if (Number.isNaN(sink)) console.log('(a stage gave NaN)');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
