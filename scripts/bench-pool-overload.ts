/**
 * feature-window's FeatureWindowPool under overload: N paced live streams (16-bit RAVDESS speech in 250 ms
 * chunks, each stamped with the time of its first sample, sent every 250 ms) into a pool with the node's
 * defaults (lag budget, max queue) and at most a given number of threads (auto: the cores; the pool opens them as
 * the load needs). Per N: windows served of those expected, how
 * many streams were still served in the second half, latency from a window's last sample to its result,
 * and CPU time of the process. `--before DIST` runs another build's dist/ on the same streams, alternating
 * with this one, so the two policies are compared back to back on the same machine load.
 * Usage: npm run build && npx tsx scripts/bench-pool-overload.ts [--streams 300,600,1000] [--seconds 20]
 *        [--threads auto,1,2] [--repeat 2] [--before /path/to/other/dist]
 * Several --threads settings (and --repeat) alternate, run after run, so they meet the same machine load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { CORPUS_16K } from '../test/helpers/corpus';
import { cpuSeconds } from './bench/cpu-time';

type PoolModule = typeof import('../src/core/features/feature-window-pool');
type StreamModule = typeof import('../src/core/features/feature-window-stream');

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const streamCounts = arg('streams', '300,600,1000').split(',').map(Number);
const seconds = Number(arg('seconds', '20'));
const threadSettings = arg('threads', 'auto').split(',');
const repeat = Number(arg('repeat', '1'));
const before = arg('before', '');
const CHUNK = 4000; // 250 ms at 16 kHz, as audio-source sends
const CHUNK_MS = 250;

function load(dist: string): { pool: PoolModule; stream: StreamModule } {
  /* eslint-disable @typescript-eslint/no-require-imports -- compiled builds, found at run time */
  return {
    pool: require(join(dist, 'core', 'features', 'feature-window-pool')) as PoolModule,
    stream: require(join(dist, 'core', 'features', 'feature-window-stream')) as StreamModule,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

async function speech(): Promise<Int16Array> {
  const paths = readFileSync(join(CORPUS_16K, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
  const clips = await Promise.all(paths.slice(0, 24).map((p) => loadAudioFileAs16kMono(join(CORPUS_16K, p))));
  const total = clips.reduce((n, c) => n + c.length, 0);
  const pcm = new Int16Array(total - (total % CHUNK));
  let o = 0;
  for (const clip of clips) for (let i = 0; i < clip.length && o < pcm.length; i++) pcm[o++] = Math.round(clip[i] * 32767);
  return pcm;
}

const cpuMs = () => cpuSeconds() * 1000;

async function run(
  label: string,
  modules: { pool: PoolModule; stream: StreamModule },
  threadSetting: string,
  streams: number,
  pcm: Int16Array,
) {
  const { FeatureWindowPool, defaultThreadCount } = modules.pool;
  const threads = threadSetting === 'auto' ? defaultThreadCount() : Number(threadSetting);
  const pool = new FeatureWindowPool(modules.stream.resolveFeatureWindowOptions({}), { maxStreams: streams + 1 }, { threads });
  // the first thread is up before the streams start
  await pool.push('warm-up', pcm.slice(0, CHUNK), undefined, true, true);
  const chunksInAudio = pcm.length / CHUNK;
  const latencies: number[] = [];
  const servedLate = new Set<number>();
  let windows = 0;
  const ticks = (seconds * 1000) / CHUNK_MS;
  const cpu0 = cpuMs();
  for (let tick = 0; tick < ticks; tick++) {
    const due = performance.timeOrigin + performance.now();
    for (let s = 0; s < streams; s++) {
      const from = ((tick + s * 13) % chunksInAudio) * CHUNK;
      void pool.push(`s${s}`, pcm.slice(from, from + CHUNK), due - CHUNK_MS, false, true).then((result) => {
        const now = Date.now();
        for (const w of result.windows) {
          windows++;
          latencies.push(now - w.end);
          if (tick >= ticks / 2) servedLate.add(s);
        }
      });
    }
    const next = due + CHUNK_MS - (performance.timeOrigin + performance.now());
    await new Promise((r) => setTimeout(r, Math.max(0, next)));
  }
  await new Promise((r) => setTimeout(r, 3000));
  const cpu = cpuMs() - cpu0;
  const opened = pool.threads;
  await pool.dispose();
  latencies.sort((a, b) => a - b);
  const expected = streams * (seconds - 2); // 3 s windows every 1 s
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] : NaN);
  return {
    build: label,
    threads: `${threadSetting}: ${opened} open`,
    streams,
    windows,
    expected,
    streamsServedInSecondHalf: servedLate.size,
    latencyP50Ms: at(0.5),
    latencyP99Ms: at(0.99),
    cpuMsPerStreamSecond: +(cpu / (streams * seconds)).toFixed(3),
  };
}

async function main() {
  const pcm = await speech();
  const builds: Array<[string, { pool: PoolModule; stream: StreamModule }]> = [['this build', load(join(__dirname, '..', 'dist'))]];
  if (before) builds.push(['--before', load(before)]);
  console.log(`${seconds} s per run, node ${process.version}, process CPU time`);
  console.log(
    '| build | threads | streams | windows / expected | streams served in the second half | latency p50 / p99 ms | CPU ms per stream-second |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const streams of streamCounts) {
    for (let round = 0; round < repeat; round++) {
      for (const threadSetting of threadSettings) {
        for (const [label, modules] of builds) {
          const r = await run(label, modules, threadSetting, streams, pcm);
          console.log(
            `| ${r.build} | ${r.threads} | ${r.streams} | ${r.windows} / ${r.expected} | ${r.streamsServedInSecondHalf} | ${Math.round(r.latencyP50Ms)} / ${Math.round(r.latencyP99Ms)} | ${r.cpuMsPerStreamSecond} |`,
          );
        }
      }
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
