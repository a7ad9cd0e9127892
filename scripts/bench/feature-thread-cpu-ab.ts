/**
 * A feature thread's CPU per audio second, this checkout's compiled features (dist/) against another checkout's
 * (its own dist/, e.g. a `git worktree` of an earlier commit, built), side by side in one process: N streams of
 * RAVDESS speech in 250 ms chunks of 16-bit PCM through a FeatureWindowRegistry with feature-window's defaults (3 s
 * windows every 1 s, speech only), as a pool thread runs them, the two builds alternated round by round over the
 * same audio. On a shared machine two runs apart can differ by 30%; the ratio of rounds run side by side is what
 * to read (median of the rounds). Also reports the window-completing chunks' share (the burst a thread works
 * through when every stream's windows fall due together).
 *
 * Usage: npm run build && npx tsx scripts/bench/feature-thread-cpu-ab.ts --baseline DIR [--rounds 15] [--streams 100] [--seconds 8]
 */
import { parseArgs } from 'node:util';
import { compiledFeatures } from './compiled-features';
import { cpuSeconds } from './cpu-time';
import { loadRavdessSpeech, speechAsPcm16, streamChunk } from './ravdess-speech';

type RegistryModule = typeof import('../../src/core/features/feature-window-registry');
type StreamModule = typeof import('../../src/core/features/feature-window-stream');

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    streams: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '8' },
  },
});
if (!values.baseline) throw new Error('--baseline DIR (a checkout with its dist/ built) is required');
const rounds = Number(values.rounds);
const streams = Number(values.streams);
const seconds = Number(values.seconds);

interface Build {
  name: string;
  registry: RegistryModule;
  stream: StreamModule;
}

const load = (name: string, root?: string): Build => ({
  name,
  registry: compiledFeatures<RegistryModule>('feature-window-registry', root),
  stream: compiledFeatures<StreamModule>('feature-window-stream', root),
});

/** CPU ms of all chunks, and of the chunks that completed a window. */
function run(build: Build, pcm: Int16Array): { totalMs: number; completingMs: number; windows: number[][] } {
  const registry = new build.registry.FeatureWindowRegistry(build.stream.DEFAULT_FEATURE_WINDOW_OPTIONS, {});
  let totalMs = 0;
  let completingMs = 0;
  const windows: number[][] = [];
  for (let quarter = 0; quarter < seconds * 4; quarter++) {
    for (let s = 0; s < streams; s++) {
      const chunk = streamChunk(pcm, s, quarter, seconds);
      const start = cpuSeconds();
      const completed = registry.push(`s${s}`, chunk, undefined, false);
      const ms = (cpuSeconds() - start) * 1000;
      totalMs += ms;
      if (completed.length > 0) completingMs += ms;
      for (const w of completed) windows.push(w.vector);
    }
  }
  registry.dispose();
  return { totalMs, completingMs, windows };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const speech = await loadRavdessSpeech(60);
  const pcm = speechAsPcm16(speech);
  const builds = [load('baseline', values.baseline), load('this checkout')];
  const results = builds.map(() => ({ totalMs: [] as number[], completingMs: [] as number[] }));
  let largestDifference = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const outputs: number[][][] = [];
    for (const b of order) {
      const r = run(builds[b], pcm);
      results[b].totalMs.push(r.totalMs);
      results[b].completingMs.push(r.completingMs);
      outputs[b] = r.windows;
    }
    for (let w = 0; w < outputs[0].length; w++) {
      for (let i = 0; i < outputs[0][w].length; i++) {
        const a = outputs[0][w][i];
        const d = Math.abs(a - outputs[1][w][i]) / Math.max(1e-300, Math.abs(a));
        if (d > largestDifference) largestDifference = d;
      }
    }
  }
  const audioSeconds = streams * seconds;
  const ratios = results[1].totalMs.map((ms, i) => ms / results[0].totalMs[i]);
  const completingRatios = results[1].completingMs.map((ms, i) => ms / results[0].completingMs[i]);
  const report = {
    streams,
    seconds,
    rounds,
    msPerAudioSecond: builds.map((b, i) => ({ build: b.name, median: +(median(results[i].totalMs) / audioSeconds).toFixed(4) })),
    completingChunkMs: builds.map((b, i) => ({
      build: b.name,
      median: +(median(results[i].completingMs) / (streams * (seconds - 2))).toFixed(4),
    })),
    ratio: { median: +median(ratios).toFixed(3), min: +Math.min(...ratios).toFixed(3), max: +Math.max(...ratios).toFixed(3) },
    completingRatio: { median: +median(completingRatios).toFixed(3) },
    windowsLargestRelativeDifference: largestDifference,
  };
  console.log(JSON.stringify(report, null, 1));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
