// One end-to-end run: a fresh `node-red` process with the benchmark flow, N paced live streams for a
// given number of seconds, then the figures: CPU time of the process (all its threads), windows and
// predictions against what the same audio gives offline, latency, event-loop utilisation, memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeRedInstance } from '../../test/e2e/node-red-instance';
import { CHUNK_SAMPLES } from './bench-flow';
import { hostCoresBetween, hostCpuCounters, processCpuSeconds } from './proc-cpu';
import { benchUserDir } from './bench-user-dir';
import type { StreamAudio } from './stream-audio';

export interface EndToEndResult {
  streams: number;
  /** cores the process may use: 1 under taskset, else all */
  cores: number | 'all';
  audioSeconds: number;
  /** wall time from the first chunk due to the last prediction (or the end of the wait) */
  wallSeconds: number;
  cpuSeconds: number;
  /** process CPU time per second of one stream's audio */
  cpuMsPerStreamSecond: number;
  /** CPU seconds per wall second: how many cores the process kept busy */
  processCores: number;
  /**
   * the machine during the run, cores per wall second: other processes' CPU, and CPU the hypervisor held back from this
   * VM (steal); absent off Linux. A run with steal did not have the machine's cores to itself.
   */
  host?: { otherProcessesCores: number; stolenCores: number };
  latencyMs: { p50: number; p99: number; max: number };
  eventLoopUtilisation: number;
  windows: { emitted: number; expected: number };
  predictions: { emitted: number; expected: number };
  /** windows mt-a-dnn-infer dropped (its queue bound) */
  dropped: number;
  /** seconds of audio feature-window dropped (late or shed), as its windows report it */
  droppedAudioSeconds: number;
  rssMB: number;
  heapMB: number;
  tensors: number;
  /** requests to the flow's stats endpoint that got no answer within 20 s during the run */
  unansweredStats: number;
  /** streams that gave at least one window (the rest were refused at Max streams, or shed throughout) */
  streamsWithWindows: number;
  /**
   * the editor's side while the streams played: GET /flows (what the editor loads, on the admin API) once a second,
   * answer times in ms; requests unanswered within 10 s
   */
  editorMs: { p50: number; max: number; unanswered: number };
  /** every window and prediction arrived, none dropped, and p99 latency within one hop (1 s) */
  keepsUp: boolean;
}

export interface MemorySample {
  seconds: number;
  rssMB: number;
  heapMB: number;
  /** memory of ArrayBuffers and other objects outside the main thread's heap (process.memoryUsage().external) */
  externalMB: number;
  tensors: number;
}

interface Stats {
  chunks: number;
  windows: number;
  voiced: number;
  predictions: number;
  dropped: number;
  droppedAudioSeconds: number;
  /** per stream number, where its first window started (feature-window staggers streams started together) */
  firstWindowStarts?: Record<string, number>;
  streamsWithWindows?: number;
  driverDoneAt: number;
  now: number;
  eventLoopUtilisation: number;
  rss: number;
  heapUsed: number;
  external: number;
  tensors: number;
  latencies?: number[];
  stages?: LatencyDetail['stages'];
  ticks?: LatencyDetail['ticks'];
  gc?: LatencyDetail['gc'];
  stalls?: LatencyDetail['stalls'];
  threadSeconds?: LatencyDetail['threadSeconds'];
  threads?: LatencyDetail['threads'];
  eventLoopDelayMs?: LatencyDetail['eventLoopDelayMs'];
}

/** What the benchmark flow notes along the way (bench-flow.ts), for a breakdown of the latency. */
export interface LatencyDetail {
  /** per prediction, ms since epoch: the completing chunk's due time, when the driver sent it, the window at count-windows, the prediction */
  stages: [due: number, sent: number | null, window: number, prediction: number][];
  /** the driver's ticks that sent chunks: [when, chunks sent] */
  ticks: [at: number, chunks: number][];
  /** the main thread's garbage collections: [start ms since epoch, duration ms, kind] */
  gc: [start: number, durationMs: number, kind: number][];
  /** the main thread's stalls (a 10 ms timer 35 ms or more late): [start, gap, ms on a CPU, ms waiting for a CPU] */
  stalls: [start: number, gapMs: number, ranMs: number, waitedMs: number][];
  /**
   * each second: [ms since epoch, then ms on a CPU and ms waiting for one in the second before, of the main thread, the
   * worker threads and V8's and libuv's helper threads]
   */
  threadSeconds: [
    at: number,
    mainRan: number,
    mainWaited: number,
    workersRan: number,
    workersWaited: number,
    helpersRan: number,
    helpersWaited: number,
  ][];
  /** all the process's threads over the run: ms on a CPU and ms runnable but waiting for one (schedstat) */
  threads: {
    ranMs: number;
    waitedForACpuMs: number;
    mainThreadRanMs?: number;
    mainThreadWaitedForACpuMs?: number;
    /** the busiest threads other than the main one, ms on a CPU each, most first */
    busiestOtherThreadsRanMs?: number[];
  };
  /** the main thread's event-loop delay over the run (monitorEventLoopDelay, 1 ms resolution) */
  eventLoopDelayMs: { p50: number; p99: number; p999: number; max: number };
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export interface EndToEndOptions {
  streams: number;
  seconds: number;
  oneCore: boolean;
  /** soak: memory sampled every this many seconds while the streams play */
  sampleEverySeconds?: number;
  onSample?: (sample: MemorySample) => void;
  /** mt-a-dnn-infer's Max wait, ms (default: the node's default) */
  inferMaxWaitMs?: number;
  /** write a V8 CPU profile of the node-red process into this folder (node --cpu-prof) */
  cpuProfileDir?: string;
  /** given the flow's per-stage timestamps, GC and event-loop delay at the end of the run */
  onLatencyDetail?: (detail: LatencyDetail) => void;
  log?: (line: string) => void;
}

export async function runEndToEnd(audio: StreamAudio, options: EndToEndOptions): Promise<EndToEndResult> {
  const { streams, seconds, oneCore } = options;
  const log = options.log ?? (() => undefined);
  const chunks = Math.round((seconds * 16000) / CHUNK_SAMPLES);
  const expectedWindows = (firstWindowStarts: Record<string, number> = {}) => audio.expectedWindows(streams, chunks, firstWindowStarts);
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const env: Record<string, string> = options.cpuProfileDir
    ? {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'cpu-profile-preload.cjs')}`.trim(),
        SPEECH_EMOTION_CPU_PROFILE_DIR: options.cpuProfileDir,
      }
    : {};
  if (options.onLatencyDetail) env.BENCH_LATENCY_DETAIL = '1';
  const red = await NodeRedInstance.startIn({ userDir: benchUserDir(audio.pcm, audio.starts, options.inferMaxWaitMs), env });
  try {
    // All threads, and the threads they start later, on core 0: a Raspberry-Pi-like budget of one core.
    if (oneCore) execFileSync('taskset', ['-a', '-cp', '0', String(red.pid)], { stdio: 'ignore' });
    await red.waitFor(() => red.statuses.some((s) => s.id === 'infer' && /^ready/.test(s.text ?? '')), 'the model to load', 90_000);
    // An overloaded Node-RED may not answer in time (the admin and HTTP endpoints share its one event loop).
    let unanswered = 0;
    const stats = async (latencies = false): Promise<Stats | undefined> => {
      try {
        const response = await fetch(`${red.url}/bench/stats${latencies ? '?latencies=1' : ''}`, { signal: AbortSignal.timeout(20_000) });
        if (response.ok) return (await response.json()) as Stats;
      } catch {
        // counted below
      }
      unanswered++;
      return undefined;
    };

    if (options.cpuProfileDir) process.kill(red.pid, 'SIGWINCH');
    const cpu0 = processCpuSeconds(red.pid);
    const host0 = hostCpuCounters();
    const host0At = Date.now();
    const { started } = (await (
      await red.request('/bench/start', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ streams, chunks }),
      })
    ).json()) as { started: number };
    log(`  ${streams} streams × ${seconds} s${oneCore ? ' on one core' : ''}: playing`);

    const sampleEvery = options.sampleEverySeconds;
    let nextSample = 0;
    const takeSample = async () => {
      const s = await stats();
      if (!s) return;
      const sample = {
        seconds: round((Date.now() - started) / 1000, 0),
        rssMB: round(s.rss / MB),
        heapMB: round(s.heapUsed / MB),
        externalMB: round(s.external / MB),
        tensors: s.tensors,
      };
      options.onSample?.(sample);
    };
    // Is the editor still usable? Its flows, asked for once a second while the streams play.
    const editorTimes: number[] = [];
    let editorUnanswered = 0;
    const askEditor = async () => {
      const asked = Date.now();
      try {
        const response = await fetch(`${red.url}/flows`, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) return editorTimes.push(Date.now() - asked);
      } catch {
        // counted below
      }
      editorUnanswered++;
    };
    // Playing: the audio takes `seconds` of real time; the soak samples memory meanwhile.
    const playEnd = started + (seconds + 0.25) * 1000;
    let nextEditorAsk = started;
    while (Date.now() < playEnd) {
      if (sampleEvery && Date.now() >= started + nextSample * 1000) {
        await takeSample();
        nextSample += sampleEvery;
      }
      if (Date.now() >= nextEditorAsk) {
        await askEditor();
        nextEditorAsk = Math.max(nextEditorAsk + 1000, Date.now());
      }
      await sleep(Math.min(200, Math.max(0, playEnd - Date.now())));
    }
    editorTimes.sort((a, b) => a - b);
    // Draining: until every expected prediction is in, or nothing has moved for 5 s, or 30 s at most.
    let last = await stats();
    let lastMove = Date.now();
    const drainEnd = Date.now() + 30_000;
    while (Date.now() < drainEnd && Date.now() - lastMove < 5000) {
      if (last?.driverDoneAt && last.windows >= expectedWindows(last.firstWindowStarts) && last.predictions + last.dropped >= last.voiced)
        break;
      await sleep(200);
      const now = await stats();
      if (!now || !last || now.chunks !== last.chunks || now.windows !== last.windows || now.predictions !== last.predictions)
        lastMove = Date.now();
      last = now ?? last;
    }
    const cpuSeconds = processCpuSeconds(red.pid) - cpu0;
    const host1 = hostCpuCounters();
    const hostSeconds = (Date.now() - host0At) / 1000;
    const wallSeconds = (Date.now() - started) / 1000;
    if (sampleEvery) await takeSample();
    let final = await stats(true);
    for (let attempt = 0; !final && attempt < 3; attempt++) final = await stats(true);
    if (!final) throw new Error(`${streams} streams: Node-RED did not answer for a minute after the run (overloaded)`);
    options.onLatencyDetail?.({
      stages: final.stages ?? [],
      ticks: final.ticks ?? [],
      gc: final.gc ?? [],
      stalls: final.stalls ?? [],
      threadSeconds: final.threadSeconds ?? [],
      threads: final.threads ?? { ranMs: NaN, waitedForACpuMs: NaN },
      eventLoopDelayMs: final.eventLoopDelayMs ?? { p50: NaN, p99: NaN, p999: NaN, max: NaN },
    });
    const latencies = (final.latencies ?? []).sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const result: EndToEndResult = {
      streams,
      cores: oneCore ? 1 : 'all',
      audioSeconds: (chunks * CHUNK_SAMPLES) / 16000,
      wallSeconds: round(wallSeconds),
      cpuSeconds: round(cpuSeconds, 2),
      cpuMsPerStreamSecond: round((cpuSeconds * 1000) / (streams * seconds), 2),
      processCores: round(cpuSeconds / wallSeconds, 2),
      host: hostCoresBetween(host0, host1, hostSeconds, cpuSeconds),
      latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(p99), max: Math.round(latencies.at(-1) ?? NaN) },
      eventLoopUtilisation: round(final.eventLoopUtilisation, 3),
      windows: { emitted: final.windows, expected: expectedWindows(final.firstWindowStarts) },
      // every voiced window feature-window sent gets a prediction
      predictions: { emitted: final.predictions, expected: final.voiced },
      dropped: final.dropped,
      droppedAudioSeconds: round(final.droppedAudioSeconds ?? 0),
      rssMB: round(final.rss / MB),
      heapMB: round(final.heapUsed / MB),
      tensors: final.tensors,
      unansweredStats: unanswered,
      streamsWithWindows: final.streamsWithWindows ?? NaN,
      editorMs: { p50: percentile(editorTimes, 50), max: editorTimes.at(-1) ?? NaN, unanswered: editorUnanswered },
      keepsUp: false,
    };
    result.keepsUp =
      result.windows.emitted === result.windows.expected &&
      result.predictions.emitted === result.predictions.expected &&
      result.dropped === 0 &&
      result.droppedAudioSeconds === 0 &&
      p99 <= 1000;
    log(
      `  ${streams} streams: ${result.cpuMsPerStreamSecond} CPU ms per stream-second, p50/p99 ${result.latencyMs.p50}/${result.latencyMs.p99} ms, ` +
        `windows ${result.windows.emitted}/${result.windows.expected}, predictions ${result.predictions.emitted}/${result.predictions.expected}, ` +
        `${result.droppedAudioSeconds} s of audio dropped, ${result.streamsWithWindows} streams with windows, ` +
        `editor ${result.editorMs.p50}/${result.editorMs.max} ms (${result.editorMs.unanswered} unanswered), ${result.keepsUp ? 'keeps up' : 'does not keep up'}` +
        (result.host ? `; host: ${result.host.stolenCores} cores stolen, ${result.host.otherProcessesCores} used by other processes` : ''),
    );
    return result;
  } finally {
    if (options.cpuProfileDir) {
      const written = (readdirSync(options.cpuProfileDir) as string[]).length;
      process.kill(red.pid, 'SIGWINCH');
      await red.waitFor(() => readdirSync(options.cpuProfileDir!).length > written, 'the CPU profile', 60_000).catch(() => undefined);
      // the feature threads' profiles (cpu-profile-preload.cjs) come just after the main thread's
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    await red.stop();
  }
}
