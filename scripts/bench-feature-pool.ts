/**
 * feature-window's FeatureWindowPool with 0 (Node-RED's thread), 1 and 2 worker threads on the same
 * streams, side by side in one run: windows per second, audio seconds per CPU second (CPU time of the
 * whole process, every thread counted) and per wall second, and cores used.
 * Usage: npm run build && npx tsx scripts/bench-feature-pool.ts [-- --streams 16 --seconds 30 --threads 0,1,2]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { CORPUS_16K } from '../test/helpers/corpus';
import { cpuSeconds } from './bench/cpu-time';

// The compiled package (dist/), as Node-RED runs it; its threads load the compiled worker script.
const poolModule = join(__dirname, '..', 'dist', 'core', 'features', 'feature-window-pool');
if (!existsSync(`${poolModule}.js`)) throw new Error(`${poolModule}.js is missing: run npm run build first`);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, found at run time
const { FeatureWindowPool } = require(poolModule) as typeof import('../src/core/features/feature-window-pool');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolveFeatureWindowOptions } = require(
  join(__dirname, '..', 'dist', 'core', 'features', 'feature-window-stream'),
) as typeof import('../src/core/features/feature-window-stream');

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const streams = Number(arg('streams', '16'));
const seconds = Number(arg('seconds', '30'));
const threadCounts = arg('threads', '0,1,2').split(',').map(Number);
const CHUNK = 4000; // 250 ms, as audio-source sends

async function streamAudio(): Promise<Float32Array[]> {
  const paths = readFileSync(join(CORPUS_16K, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
  const clips = await Promise.all(paths.slice(0, 40).map((p) => loadAudioFileAs16kMono(join(CORPUS_16K, p))));
  // each stream: clips back to back from its own starting clip, `seconds` long
  return Array.from({ length: streams }, (_, s) => {
    const out = new Float32Array(seconds * 16000);
    for (let o = 0, c = s; o < out.length; c++) {
      const clip = clips[c % clips.length];
      out.set(clip.subarray(0, out.length - o), o);
      o += Math.min(clip.length, out.length - o);
    }
    return out;
  });
}

async function run(threads: number, audio: Float32Array[]) {
  const pool = new FeatureWindowPool(
    resolveFeatureWindowOptions({}),
    { maxStreams: streams },
    { threads, lagBudgetMs: 0, maxQueuedBytes: 2 ** 31 },
  );
  // threads up first: their start is not part of the work
  await Promise.all(audio.map((_, s) => pool.reset(`s${s}`)));
  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  const results: Array<Promise<{ windows: unknown[] }>> = [];
  // chunk by chunk across the streams, as live microphones arrive; all at once (no pacing)
  for (let i = 0; i < seconds * 16000; i += CHUNK) {
    for (let s = 0; s < streams; s++) results.push(pool.push(`s${s}`, audio[s].slice(i, i + CHUNK), undefined, false, true));
  }
  const windows = (await Promise.all(results)).reduce((n, r) => n + r.windows.length, 0);
  const cpu = cpuSeconds() - cpu0;
  const wall = (performance.now() - wall0) / 1000;
  await pool.dispose();
  const audioSeconds = streams * seconds;
  return { threads, windows, cpu, wall, audioSeconds };
}

async function main() {
  const audio = await streamAudio();
  console.log(`${streams} streams × ${seconds} s of RAVDESS (paper profile, 3 s windows every 1 s, speech only), node ${process.version}`);
  const rows = [];
  for (const threads of threadCounts) rows.push(await run(threads, audio));
  console.log('| threads | windows | CPU s | wall s | windows/s (wall) | audio s per CPU s | audio s per wall s | cores used |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.threads === 0 ? '0 (main)' : r.threads} | ${r.windows} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} | ${(r.windows / r.wall).toFixed(0)} | ${(r.audioSeconds / r.cpu).toFixed(0)} | ${(r.audioSeconds / r.wall).toFixed(0)} | ${(r.cpu / r.wall).toFixed(2)} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
