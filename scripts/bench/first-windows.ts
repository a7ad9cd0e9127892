/**
 * What a feature thread's first windows cost, cold and after warmUpFeatureWindows: 100 streams of RAVDESS speech
 * started together (their windows fall due in the same second), 250 ms chunks of 16-bit PCM, in a fresh process per
 * run (JIT state is per process), cold and warm runs alternated. Reports the CPU ms of the window-completing chunks in
 * each second (the burst a thread must work through), the process's and (on Linux) the working thread's alone, and
 * the warm-up's own CPU ms. Compiled code (dist/).
 *
 * Usage: npm run build && npx tsx scripts/bench/first-windows.ts [--runs 3] [--streams 100] [--seconds 8] [--warm-seconds 4]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compiledFeatures } from './compiled-features';
import { loadRavdessSpeech, speechAsPcm16, streamChunk } from './ravdess-speech';
import { cpuSeconds } from './cpu-time';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

const compiled = compiledFeatures;

const cpuMs = () => cpuSeconds() * 1000;

interface RunResult {
  warmUpMs?: number;
  /** per second with windows: CPU ms of the chunks that completed one */
  burstMs: number[];
  /** the same, of this thread alone (the rest is V8's background threads: compiling, garbage collection) */
  burstThreadMs: number[];
}

/** CPU ms this process's main thread has run (Linux: /proc/self/task/PID/schedstat), NaN elsewhere. */
function threadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

async function child(warm: boolean, streams: number, seconds: number): Promise<RunResult> {
  const { FeatureWindowRegistry } = compiled<typeof import('../../src/core/features/feature-window-registry')>('feature-window-registry');
  const { DEFAULT_FEATURE_WINDOW_OPTIONS } =
    compiled<typeof import('../../src/core/features/feature-window-stream')>('feature-window-stream');
  const { warmUpFeatureWindows } = compiled<typeof import('../../src/core/features/feature-window-warm-up')>('feature-window-warm-up');
  const speech = await loadRavdessSpeech(60);
  const pcm = speechAsPcm16(speech);
  const result: RunResult = { burstMs: [], burstThreadMs: [] };
  if (warm) {
    const start = cpuMs();
    warmUpFeatureWindows(DEFAULT_FEATURE_WINDOW_OPTIONS, option('warm-seconds', 4));
    result.warmUpMs = Math.round(cpuMs() - start);
  }
  const registry = new FeatureWindowRegistry(DEFAULT_FEATURE_WINDOW_OPTIONS, {});
  for (let second = 0; second < seconds; second++) {
    let burst = 0;
    let burstThread = 0;
    let windows = 0;
    for (let quarter = 0; quarter < 4; quarter++) {
      for (let s = 0; s < streams; s++) {
        const chunk = streamChunk(pcm, s, second * 4 + quarter, seconds);
        const start = cpuMs();
        const startThread = threadCpuMs();
        const completed = registry.push(`s${s}`, chunk, undefined, false).length;
        if (completed > 0) {
          burst += cpuMs() - start;
          burstThread += threadCpuMs() - startThread;
          windows += completed;
        }
      }
    }
    if (windows > 0) {
      result.burstMs.push(Math.round(burst));
      result.burstThreadMs.push(Math.round(burstThread));
    }
  }
  registry.dispose();
  return result;
}

async function main() {
  const streams = option('streams', 100);
  const seconds = option('seconds', 8);
  const childIndex = args.indexOf('--child');
  if (childIndex >= 0) {
    console.log(JSON.stringify(await child(args[childIndex + 1] === 'warm', streams, seconds)));
    return;
  }
  const runs = option('runs', 3);
  console.log(`${streams} streams, ${seconds} s, fresh process per run; CPU ms of each second's window-completing chunks`);
  console.log('| run | warm-up | warm-up CPU ms | first windows | later seconds | the same, this thread alone |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (let run = 1; run <= runs; run++) {
    for (const kind of ['cold', 'warm']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', kind, ...args], { encoding: 'utf8' });
      const result = JSON.parse(out.trim().split('\n').pop() as string) as RunResult;
      const [first, ...later] = result.burstMs;
      const [firstThread, ...laterThread] = result.burstThreadMs;
      console.log(
        `| ${run} | ${kind === 'warm' ? 'yes' : 'no'} | ${result.warmUpMs ?? '–'} | ${first} | ${later.join(', ')} | ` +
          `${firstThread}; ${laterThread.join(', ')} |`,
      );
    }
  }
}

void main();
