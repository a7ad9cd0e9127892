/**
 * `npm run bench`: feature extraction (bench-features.ts), inference, the whole pipeline end to end in a
 * real `node-red` process with N paced live streams, the same on one core, and a memory soak. Writes
 * docs/benchmark.json and docs/benchmark.md (or --out DIR).
 *
 *   --streams 10,100,300   streams per end-to-end run (each run a fresh Node-RED process)
 *   --seconds 30           audio seconds per stream and run
 *   --cores 1              also run every N with the process on one core (taskset -c 0)
 *   --soak 60              soak seconds (0: none) at --soak-streams 100, memory every --soak-every 30 s
 *   --features-seconds 120 audio for bench-features (0: leave it out)
 *   --pyaudioanalysis DIR  bench-features also runs pyAudioAnalysis (a checkout of it; python3 with numpy, scipy)
 *   --quick                10 streams, 6 s, no soak, no features, short inference: well under a minute
 *   --out DIR              where the JSON and Markdown go (default docs/)
 *   --infer-max-wait MS   mt-a-dnn-infer's Max wait in the end-to-end runs (default: the node's default, 0)
 *   --cpu-prof DIR         write a CPU profile of each node-red process into DIR (node --cpu-prof)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runEndToEnd, type EndToEndResult, type MemorySample } from './bench/end-to-end';
import { runInference, type InferenceResult } from './bench/inference';
import { benchMarkdown } from './bench/report';
import { StreamAudio } from './bench/stream-audio';

export interface BenchReport {
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverage: number[] };
  settings: {
    streams: number[];
    seconds: number;
    oneCore: boolean;
    soakSeconds: number;
    soakStreams: number;
    clips: number;
    /** mt-a-dnn-infer's Max wait when not its default */
    inferMaxWaitMs?: number;
  };
  features: { command: string; output: string } | null;
  inference: InferenceResult;
  endToEnd: EndToEndResult[];
  /** end-to-end runs that gave no figures (e.g. Node-RED stopped answering) */
  failures: string[];
  /** the largest N that kept up, per core budget */
  headline: { cores: number | 'all'; streams: number | null }[];
  soak: { streams: number; seconds: number; samples: MemorySample[] } | null;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const quick = flag('quick');
const streamCounts = option('streams', quick ? '10' : '10,100,300')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const seconds = Number(option('seconds', quick ? '6' : '30'));
const oneCore = option('cores', '') === '1';
const soakSeconds = Number(option('soak', quick ? '0' : '60'));
const soakStreams = Number(option('soak-streams', '100'));
const soakEvery = Number(option('soak-every', '30'));
const featuresSeconds = Number(option('features-seconds', quick ? '0' : '120'));
const outDir = option('out', join(__dirname, '..', 'docs'));
const cpuProfileDir = option('cpu-prof', '') || undefined;
const toolkitDir = option('pyaudioanalysis', '') || undefined;
const inferMaxWait = option('infer-max-wait', '');
const inferMaxWaitMs = inferMaxWait === '' ? undefined : Number(inferMaxWait);
const log = (line: string) => console.log(line);

function featureBench(): BenchReport['features'] {
  if (!(featuresSeconds > 0)) return null;
  const toolkit = toolkitDir ? ['--pyaudioanalysis', toolkitDir] : [];
  const command = ['tsx scripts/bench-features.ts --seconds', featuresSeconds, ...toolkit].join(' ');
  log(`features: ${command}`);
  const featureArgs = ['--seconds', String(featuresSeconds), ...toolkit];
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'bench-features.ts'), ...featureArgs], {
    cwd: join(__dirname, '..'),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`bench-features failed:\n${run.stderr}`);
  log(run.stdout.trim());
  return { command, output: run.stdout.trim() };
}

async function main() {
  const features = featureBench();
  const audio = await StreamAudio.load();
  log(`audio: ${audio.source} looped, ${(audio.pcm.length / 32000).toFixed(1)} s`);
  const inference = await runInference(audio.windowVectors(256), quick ? 0.5 : 3);
  log(
    `inference (${inference.backend}): ${inference.single.windowsPerCpuSecond} windows per CPU second one at a time, ` +
      `${inference.batched.windowsPerCpuSecond} in batches of ${inference.batched.batch}`,
  );
  const endToEnd: EndToEndResult[] = [];
  const failures: string[] = [];
  for (const cores of oneCore ? [false, true] : [false]) {
    for (const streams of streamCounts) {
      try {
        endToEnd.push(await runEndToEnd(audio, { streams, seconds, oneCore: cores, log, cpuProfileDir, inferMaxWaitMs }));
      } catch (err) {
        log(`  ${(err as Error).message}`);
        failures.push(`${streams} streams${cores ? ' on one core' : ''}: ${(err as Error).message}`);
      }
    }
  }
  let soak: BenchReport['soak'] = null;
  if (soakSeconds > 0) {
    const samples: MemorySample[] = [];
    log(`soak: ${soakStreams} streams for ${soakSeconds} s, memory every ${soakEvery} s`);
    await runEndToEnd(audio, {
      streams: soakStreams,
      seconds: soakSeconds,
      oneCore: false,
      sampleEverySeconds: soakEvery,
      onSample: (s) => {
        samples.push(s);
        log(`  ${s.seconds} s: RSS ${s.rssMB} MB, heap ${s.heapMB} MB, external ${s.externalMB} MB, ${s.tensors} tensors`);
      },
      log,
    });
    soak = { streams: soakStreams, seconds: soakSeconds, samples };
  }
  const headline = [...new Set(endToEnd.map((r) => r.cores))].map((cores) => {
    const kept = endToEnd.filter((r) => r.cores === cores && r.keepsUp).map((r) => r.streams);
    return { cores, streams: kept.length ? Math.max(...kept) : null };
  });
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? '',
      node: process.version,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    },
    settings: { streams: streamCounts, seconds, oneCore, soakSeconds, soakStreams, clips: audio.clips, inferMaxWaitMs },
    features,
    inference,
    endToEnd,
    failures,
    headline,
    soak,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'benchmark.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'benchmark.md'), benchMarkdown(report));
  log(`wrote ${join(outDir, 'benchmark.json')} and benchmark.md`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
