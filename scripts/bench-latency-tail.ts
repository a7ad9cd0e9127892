/**
 * Where the decision latency's tail comes from: one end-to-end run (the benchmark's flow in a real `node-red`
 * process, `npm run build` first) and its latency split by stage, from timestamps the flow notes on the way:
 *   driver  the chunk that completes a window: its due time → the driver sending it (the driver's own lateness)
 *   window  sent → the window at the function after feature-window (audio-source, the pool's lane and thread)
 *   infer   the window → the prediction at the function after mt-a-dnn-infer (batching, the forward pass)
 * with the main thread's garbage collections and event-loop delay over the run.
 *
 *   npx tsx scripts/bench-latency-tail.ts --streams 100 --seconds 30 [--infer-max-wait MS]
 *   BENCH_FEATURE_THREADS=0|1|auto: feature-window's Threads
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runEndToEnd, type LatencyDetail } from './bench/end-to-end';
import { StreamAudio } from './bench/stream-audio';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const streams = Number(option('streams', '100'));
const seconds = Number(option('seconds', '30'));
const inferMaxWait = option('infer-max-wait', '');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sortedOf = (values: number[]) => values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
const summary = (values: number[]) => {
  const s = sortedOf(values);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) };
};

function breakdown(detail: LatencyDetail) {
  const rows = detail.stages.map(([due, sent, window, prediction]) => ({
    due,
    total: prediction - due,
    driver: sent === null ? NaN : sent - due,
    window: sent === null ? NaN : window - sent,
    infer: prediction - window,
  }));
  const firstDue = rows.reduce((least, r) => Math.min(least, r.due), Infinity);
  const totals = sortedOf(rows.map((r) => r.total));
  const p99 = percentile(totals, 99);
  const tail = rows.filter((r) => r.total >= p99);
  const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 10) / 10;
  const largest = { driver: 0, window: 0, infer: 0 };
  for (const r of tail) {
    const stage = (['driver', 'window', 'infer'] as const).reduce((a, b) => (r[b] > r[a] ? b : a));
    largest[stage]++;
  }
  // A tail prediction "meets" a GC when a main-thread collection of 5 ms or more ran between its chunk's due time and it.
  const longGcs = detail.gc.filter(([, duration]) => duration >= 5);
  const metStall = (r: (typeof rows)[number]) => detail.stalls.filter(([start, gap]) => start + gap >= r.due && start <= r.due + r.total);
  const tailStalls = tail.map(metStall);
  const metGc = tail.filter((r) => longGcs.some(([start, duration]) => start + duration >= r.due && start <= r.due + r.total)).length;
  // seconds into the run (from the first window's due time) at which tail predictions' chunks fell due
  const tailSeconds = [...new Set(tail.map((r) => Math.floor((r.due - firstDue) / 1000)))];
  const byStreamSecond = new Map<number, number>();
  for (const r of rows) {
    const second = Math.floor((r.due - firstDue) / 1000);
    byStreamSecond.set(second, Math.max(byStreamSecond.get(second) ?? 0, r.total));
  }
  const gcDurations = detail.gc.map(([, d]) => d);
  return {
    predictions: rows.length,
    totalMs: summary(rows.map((r) => r.total)),
    /** without the predictions whose chunks fell due in the run's first 3 s (the first windows of every stream) */
    totalAfter3sMs: summary(rows.filter((r) => r.due - firstDue >= 3000).map((r) => r.total)),
    stagesMs: {
      driver: summary(rows.map((r) => r.driver)),
      window: summary(rows.map((r) => r.window)),
      infer: summary(rows.map((r) => r.infer)),
    },
    tail: {
      atOrAboveMs: p99,
      predictions: tail.length,
      secondsIntoRun: tailSeconds,
      meanMs: { driver: mean(tail.map((r) => r.driver)), window: mean(tail.map((r) => r.window)), infer: mean(tail.map((r) => r.infer)) },
      largestStage: largest,
      withAMainThreadGcOf5msOrMore: metGc,
      withAMainThreadStall: tailStalls.filter((s) => s.length > 0).length,
      // of the stalls they met: the main thread's time on a CPU and waiting for one (run queue), ms
      stallsMet: [...new Set(tailStalls.flat())].map(([, gap, ran, waited]) => [gap, Math.round(ran), Math.round(waited)]),
    },
    mainThreadGc: {
      count: gcDurations.length,
      totalMs: Math.round(gcDurations.reduce((a, b) => a + b, 0)),
      maxMs: Math.round(Math.max(0, ...gcDurations) * 10) / 10,
      atLeast5ms: longGcs.length,
      byKind: detail.gc.reduce<Record<number, number>>((acc, [, , kind]) => ({ ...acc, [kind]: (acc[kind] ?? 0) + 1 }), {}),
    },
    eventLoopDelayMs: detail.eventLoopDelayMs,
    processThreads: detail.threads,
    mainThreadStalls: {
      count: detail.stalls.length,
      gapMs: Math.round(detail.stalls.reduce((a, [, gap]) => a + gap, 0)),
      ranMs: Math.round(detail.stalls.reduce((a, [, , ran]) => a + ran, 0)),
      waitedForACpuMs: Math.round(detail.stalls.reduce((a, [, , , waited]) => a + waited, 0)),
      longest: detail.stalls
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([, gap, ran, waited]) => [gap, Math.round(ran), Math.round(waited)]),
    },
    worstMsPerSecondOfRun: [...byStreamSecond.entries()].sort((a, b) => a[0] - b[0]).map(([, ms]) => Math.round(ms)),
    // the process's threads each second, from 3 s before the first window fell due: cores on a CPU / waiting for one
    coresPerSecondOfRun: detail.threadSeconds
      .filter(([at]) => at >= firstDue - 3000)
      .map(([at, ...ms]) => {
        const cores = (i: number) => Math.round(ms[i] / 10) / 100;
        const second = Math.round((at - firstDue) / 100) / 10;
        return { second, main: [cores(0), cores(1)], workers: [cores(2), cores(3)], helpers: [cores(4), cores(5)] };
      }),
    driverTicks: { count: detail.ticks.length, mostChunksInOne: Math.max(0, ...detail.ticks.map(([, n]) => n)) },
  };
}

/**
 * With SPEECH_EMOTION_POOL_TRACE=FILE (the pool's timeline of chunks, feature-window-pool-trace.ts): per quarter
 * second of the run, the chunks' longest wait in a lane's queue (of all, and of those that completed a window) and
 * round trip to its thread, and the threads' work; the five quarters with the most work.
 */
function poolTrace(file: string) {
  if (!existsSync(file)) return undefined;
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as [number, number, number, number, number | null, number, number?]);
  const first = rows.reduce((least, r) => Math.min(least, r[1]), Infinity);
  type Quarter = { chunks: number; queueMs: number; windowChunksQueueMs: number; roundTripMs: number; workMs: number; inFlight: number };
  const quarters = new Map<number, Quarter>();
  for (const [, arrived, sent, answered, work, inFlight, windows] of rows) {
    const q = Math.floor((arrived - first) / 250);
    const b = quarters.get(q) ?? { chunks: 0, queueMs: 0, windowChunksQueueMs: 0, roundTripMs: 0, workMs: 0, inFlight: 0 };
    b.chunks++;
    b.queueMs = Math.max(b.queueMs, sent - arrived);
    // the chunks someone waits for go ahead of the rest (LaneQueue)
    if ((windows ?? 0) > 0) b.windowChunksQueueMs = Math.max(b.windowChunksQueueMs, sent - arrived);
    b.roundTripMs = Math.max(b.roundTripMs, answered - sent);
    b.workMs += work ?? 0;
    b.inFlight = Math.max(b.inFlight, inFlight);
    quarters.set(q, b);
  }
  return [...quarters.entries()]
    .sort((a, b) => b[1].workMs - a[1].workMs)
    .slice(0, 5)
    .map(([q, b]) => ({ fromSecond: q / 4, ...b, workMs: Math.round(b.workMs) }));
}

async function main(): Promise<void> {
  const audio = await StreamAudio.load();
  console.error(`audio: ${audio.source}`);
  const loadBefore = loadavg()[0];
  let detail: LatencyDetail | undefined;
  const result = await runEndToEnd(audio, {
    streams,
    seconds,
    oneCore: false,
    inferMaxWaitMs: inferMaxWait === '' ? undefined : Number(inferMaxWait),
    onLatencyDetail: (d) => (detail = d),
    log: (line) => console.error(line),
  });
  if (!detail) throw new Error('the flow gave no latency detail');
  const report = {
    audio: audio.source,
    threads: process.env.BENCH_FEATURE_THREADS ?? 'auto',
    loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(loadavg()[0] * 100) / 100],
    latencyMs: result.latencyMs,
    processCores: result.processCores,
    host: result.host,
    eventLoopUtilisation: result.eventLoopUtilisation,
    keepsUp: result.keepsUp,
    ...breakdown(detail),
    busiestQuartersOfThePool: process.env.SPEECH_EMOTION_POOL_TRACE ? poolTrace(process.env.SPEECH_EMOTION_POOL_TRACE) : undefined,
  };
  console.log(JSON.stringify(report));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
