// A Node-RED user directory for the end-to-end benchmark: laid out as for `npm start` (this package
// linked in), the benchmark flow and its probe node type, and a settings.js that adds what the flow's functions and
// probes read through global.get('bench'): the audio loop, the counters, the event-loop and memory readings, the
// tensor count.
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ES module shared with scripts/start-demo.mjs
import { prepareUserDir, PROJECT_ROOT } from '../../demo/runtime/user-dir.mjs';
import { BENCH_PROBE_NODE, BENCH_PROBES, benchFlow } from './bench-flow';

const SETTINGS = `// Written by scripts/bench/bench-user-dir.ts: the demo's settings plus the benchmark's readings.
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { performance, monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');
const base = require('./base-settings.js');
// The same tfjs-core instance as the package's (both resolve to the project's node_modules).
const tf = require(require.resolve('@tensorflow/tfjs-core', { paths: [${JSON.stringify(PROJECT_ROOT)}] }));
const bench = {
  audio: { pcm: readFileSync(join(__dirname, 'bench-audio.pcm')), starts: JSON.parse(readFileSync(join(__dirname, 'bench-audio.json'), 'utf8')).starts },
  perf: performance,
  memory: () => process.memoryUsage(),
  tensors: () => tf.memory().numTensors,
  counters: undefined,
  // Per chunk and prediction timestamps, GCs and stalls for bench-latency-tail; off otherwise, since they grow with the
  // run (about 20 MB in a 20-minute soak of 100 streams, which the soak would report as the process's growth).
  detail: process.env.BENCH_LATENCY_DETAIL === '1',
  delay: monitorEventLoopDelay({ resolution: 1 }),
  // the main thread's event-loop delay since the run started, ms
  eventLoopDelay() {
    const h = this.delay;
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), p999: ms(h.percentile(99.9)), max: ms(h.max) };
  },
  // the process's threads since the run started: ms on a CPU and ms waiting for one (threads ended meanwhile not
  // counted), and the main thread's own
  threadsSched() {
    const now = processSchedstat();
    const main = mainSchedstat();
    return {
      ranMs: Math.round(now[0] - this.counters.sched0[0]), waitedForACpuMs: Math.round(now[1] - this.counters.sched0[1]),
      mainThreadRanMs: Math.round(main[0] - this.counters.mainSched0[0]), mainThreadWaitedForACpuMs: Math.round(main[1] - this.counters.mainSched0[1]),
      // the busiest other threads (feature-window's workers first, then V8's and libuv's helpers), ms on a CPU each
      busiestOtherThreadsRanMs: Object.entries(threadRanMs())
        .filter(([tid]) => tid !== String(process.pid))
        .map(([tid, ms]) => Math.round(ms - (this.counters.threadRan0[tid] ?? 0)))
        .sort((a, b) => b - a)
        .slice(0, 6),
    };
  },
  reset() {
    this.counters = { chunks: 0, windows: 0, voiced: 0, predictions: 0, dropped: 0, droppedAudioSeconds: 0, firstWindowStarts: {}, streamsWithWindows: {}, origins: {}, latencies: [], driverDoneAt: 0, elu0: performance.eventLoopUtilization(),
      sentAt: [], stages: [], ticks: [], gc: [], stalls: [], threadSeconds: [], sched0: processSchedstat(), mainSched0: mainSchedstat(), threadRan0: threadRanMs() };
    this.delay.disable();
    this.delay.reset();
    this.delay.enable();
  },
};
// The main thread's garbage collections: [start, duration] in ms since epoch, and kind (perf_hooks' NODE_PERFORMANCE_GC_*)
new PerformanceObserver((list) => {
  if (bench.detail) for (const e of list.getEntries()) bench.counters.gc.push([performance.timeOrigin + e.startTime, e.duration, e.detail ? e.detail.kind : e.kind]);
}).observe({ entryTypes: ['gc'] });
// Each thread's [ms on a CPU, ms waiting for one] since it started, by thread id (Node's worker threads and V8's
// helpers are all named "node"); all of them together.
const taskSchedstats = () =>
  Object.fromEntries(readdirSync('/proc/self/task').map((tid) => { try { return [tid, readFileSync('/proc/self/task/' + tid + '/schedstat', 'utf8').split(' ').map((ns) => Number(ns) / 1e6)]; } catch { return [tid, [0, 0]]; } }));
const processSchedstat = () => Object.values(taskSchedstats()).reduce((a, b) => [a[0] + b[0], a[1] + b[1]], [0, 0]);
const threadRanMs = () => Object.fromEntries(Object.entries(taskSchedstats()).map(([tid, [ran]]) => [tid, ran]));
const mainSchedstat = () => readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ').map((ns) => Number(ns) / 1e6);
// Stalls of the main thread: a 10 ms timer that came 25 ms or more late, as [start ms since epoch, gap ms, ms the
// thread ran on a CPU meanwhile, ms it waited for one (the kernel's run queue: other processes had the cores)].
// Only for the latency detail: reading the file 100 times a second cost ~1.4% of the main thread at 1,000 streams.
let lastTick = Date.now(), lastSched = mainSchedstat();
if (bench.detail) setInterval(() => {
  const now = Date.now(), sched = mainSchedstat();
  if (now - lastTick >= 35) bench.counters.stalls.push([lastTick, now - lastTick, sched[0] - lastSched[0], sched[1] - lastSched[1]]);
  lastTick = now;
  lastSched = sched;
}, 10).unref();
// Each second, only for the latency detail: [ms since epoch, then ms on a CPU and ms waiting for one since the last
// sample, of the main thread, of the threads named as it is (Node's worker threads: feature-window's) and of the rest
// (V8's helper threads and libuv's pool, named "node")].
// Read each time: Node-RED names its process (process.title) after settings.js has run, and only threads started
// after that (feature-window's) take the new name; kinds kept from the first samples counted V8's helpers as workers.
const kindOf = (tid) => {
  if (tid === String(process.pid)) return 0;
  try { return readFileSync('/proc/self/task/' + tid + '/comm', 'utf8').trim() === readFileSync('/proc/self/comm', 'utf8').trim() ? 1 : 2; } catch { return 2; }
};
let lastThreads = taskSchedstats();
if (bench.detail) setInterval(() => {
  const now = taskSchedstats();
  const sums = [0, 0, 0, 0, 0, 0];
  for (const [tid, [ran, waited]] of Object.entries(now)) {
    const [ran0, waited0] = lastThreads[tid] ?? [0, 0];
    const kind = kindOf(tid);
    sums[2 * kind] += ran - ran0;
    sums[2 * kind + 1] += waited - waited0;
  }
  lastThreads = now;
  if (bench.counters) bench.counters.threadSeconds.push([Date.now(), ...sums.map((ms) => Math.round(ms))]);
}, 1000).unref();
Object.assign(bench, ${BENCH_PROBES});
bench.reset();
module.exports = { ...base, functionGlobalContext: { bench } };
`;

/**
 * A fresh user directory holding `pcm` (16-bit mono 16 kHz, the streams' shared loop) and the byte
 * offsets where streams start in it.
 */
export function benchUserDir(pcm: Buffer, starts: number[], inferMaxWaitMs?: number): string {
  const userDir = mkdtempSync(join(tmpdir(), 'speech-emotion-bench-'));
  prepareUserDir({ userDir, port: 0, flows: benchFlow(inferMaxWaitMs), replaceFlows: true, withDashboard: false });
  renameSync(join(userDir, 'settings.js'), join(userDir, 'base-settings.js'));
  writeFileSync(join(userDir, 'settings.js'), SETTINGS);
  writeFileSync(join(userDir, 'bench-audio.pcm'), pcm);
  writeFileSync(join(userDir, 'bench-audio.json'), JSON.stringify({ starts }));
  // Node-RED loads the node types in its user directory's nodes/ folder; bench-probe needs no editor.
  mkdirSync(join(userDir, 'nodes'));
  writeFileSync(join(userDir, 'nodes', 'bench-probe.js'), BENCH_PROBE_NODE);
  writeFileSync(join(userDir, 'nodes', 'bench-probe.html'), '');
  return userDir;
}
