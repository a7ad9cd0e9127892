// The flow the end-to-end benchmark deploys: the user's pipeline (audio-source in flow mode →
// feature-window → mt-a-dnn-infer → emotion-router, all at their defaults) fed by a driver function that
// plays N live streams at real-time pace, two counting nodes (bench-probe) on the pipeline's own wires, and two HTTP
// endpoints to start a run and read its figures. The driver's audio, the counters and what the counting nodes
// call, the event-loop and memory readings come from settings.js (functionGlobalContext, written by bench-user-dir.ts).
import type { FlowNode } from '../../test/e2e/node-red-instance';

export const CHUNK_MS = 250;
export const CHUNK_SAMPLES = (CHUNK_MS * 16000) / 1000;
/**
 * Over how long the streams' start times spread, ms: one chunk by default (their windows then all end within the
 * same chunk of each second); BENCH_PHASE_SPREAD_MS=1000 spreads them over a whole hop, as streams started at
 * independent moments would be (docs/benchmark.md, "The latency tail at 100 streams").
 */
const PHASE_SPREAD_MS = Number(process.env.BENCH_PHASE_SPREAD_MS ?? CHUNK_MS);

/**
 * POST /bench/start {streams, chunks}: stream i plays the shared 16 kHz PCM loop from starts[i % starts.length],
 * one 250 ms chunk each time a chunk's worth of audio has "been recorded" (its last sample's time), stream
 * phases spread evenly over PHASE_SPREAD_MS (a chunk by default), as independent microphones would be. Late ticks catch up, so the audio
 * sent by any moment is what real time calls for.
 */
const DRIVER = `
const bench = global.get('bench');
const cfg = msg.payload;
const streams = Number(cfg.streams), chunks = Number(cfg.chunks);
const chunkMs = ${CHUNK_MS}, chunkBytes = ${CHUNK_SAMPLES} * 2;
const pcm = bench.audio.pcm, starts = bench.audio.starts;
bench.reset();
const t0 = Date.now() + 100;
const spreadMs = ${PHASE_SPREAD_MS};
bench.schedule = { t0, streams, chunkMs, spreadMs };
const phase = (i) => (i * spreadMs) / streams;
const chunkOf = (i, k) => {
  const from = (starts[i % starts.length] + k * chunkBytes) % pcm.length;
  const to = from + chunkBytes;
  return to <= pcm.length ? pcm.subarray(from, to) : Buffer.concat([pcm.subarray(from), pcm.subarray(0, to - pcm.length)]);
};
// Every stream has the same period. A stream's phase is whole chunks of delay (lead) plus an offset within a
// chunk: in slot s (a chunk's time) stream i sends its chunk s - lead(i), so chunks fall due in the order
// (slot s, streams by offset): one cursor walks it, and a tick costs only the chunks it sends.
const lead = (i) => Math.floor(phase(i) / chunkMs);
const offset = (i) => phase(i) - lead(i) * chunkMs;
const order = Array.from({ length: streams }, (_, i) => i).sort((a, b) => offset(a) - offset(b) || a - b);
const slots = chunks + lead(streams - 1);
let j = 0, s = 0;
const due = () => t0 + offset(order[j]) + (s + 1) * chunkMs;
// Wakes when the next chunk is due (at most every 5 ms), as a stream of live chunks wakes a real flow.
// Each chunk is a message of its own, not cloned: independent microphones' messages arrive one by one.
const tick = () => {
  const now = Date.now();
  let sent = 0;
  while (s < slots && due() <= now) {
    const i = order[j], k = s - lead(i);
    if (k >= 0 && k < chunks) {
      node.send([{ payload: chunkOf(i, k), streamId: 's' + i }, null], false);
      if (bench.detail) (bench.counters.sentAt[i] ??= [])[k] = now;
      sent++;
    }
    if (++j === streams) { j = 0; s++; }
  }
  bench.counters.chunks += sent;
  if (sent && bench.detail) bench.counters.ticks.push([now, sent]);
  if (s === slots) bench.counters.driverDoneAt = Date.now();
  else setTimeout(tick, Math.max(5, due() - Date.now()));
};
setTimeout(tick, Math.max(0, t0 - Date.now()));
msg.payload = { started: t0 };
return [null, msg];
`;

/**
 * The two probes on the pipeline's wires, as methods of settings.js's `bench` (bench-user-dir.ts) that a plain node
 * of the benchmark's user directory (`bench-probe`, BENCH_PROBE_NODE) calls. As function nodes they cost ~9% of the
 * main thread at 1,000 streams (CPU profile of `npm run bench`): a function node runs its script in a vm context for
 * each message, 45-80 µs a message in those profiles whatever the script does.
 *
 * countWindow: counts the windows feature-window sends (all of them, voiced or not) on their way to infer, and notes
 * on the message when the driver sent the chunk that completed the window (its last sample's due time);
 * mt-a-dnn-infer keeps the message's other properties on its output. A stream that feature-window dropped audio of,
 * or moved to another thread, starts afresh at sample 0: its windows are placed by their times instead.
 *
 * countPrediction: the latency of each prediction from the moment the chunk that completed its window was sent.
 */
export const BENCH_PROBES = `{
countWindow(msg) {
  const c = this.counters;
  c.windows++;
  if (msg.payload.voiced) c.voiced++;
  const s = this.schedule;
  const stream = Number(String(msg.streamId).slice(1));
  if (msg.payload.droppedSeconds) c.droppedAudioSeconds += msg.payload.droppedSeconds;
  // The time of the stream's first sample on audio-source's clock, which numbers a stream's samples from the arrival
  // of its first chunk: by the driver's schedule, that chunk's due time; exactly, from its first window (where its
  // windows start: feature-window staggers streams started together, and what the stream should give follows). A
  // stream feature-window restarted (after dropping its audio, or on another thread) starts again at seq 0 and sample
  // 0 with its times still on audio-source's clock: such a "first" window is told apart by its start.
  const scheduled = s.t0 + (stream * s.spreadMs) / s.streams + ${CHUNK_MS};
  const firstSampleAt = msg.payload.start - msg.payload.startSample / 16;
  if (msg.payload.seq === 0 && !msg.payload.droppedSeconds && c.origins[stream] === undefined && Math.abs(firstSampleAt - scheduled) < ${CHUNK_MS}) {
    c.firstWindowStarts[stream] = msg.payload.startSample;
    c.origins[stream] = firstSampleAt;
  }
  c.streamsWithWindows[stream] = true;
  msg.benchWindowAt = Date.now();
  // The window's last sample, counted from the stream's first, from its time on audio-source's clock: so a restarted
  // stream's windows are still timed from the chunk that completed them.
  const origin = c.origins[stream] ?? scheduled;
  const endSample = Math.round((msg.payload.end - origin) * 16) + 1;
  // the chunk that completed the window (the streams' chunks are numbered from their start)
  msg.benchChunk = Math.ceil(endSample / ${CHUNK_SAMPLES}) - 1;
  // due when the driver is to send that chunk: its end (a window's end falls inside a chunk when its stream's windows
  // are staggered by a phase that is not whole chunks)
  msg.benchDue = s.t0 + (stream * s.spreadMs) / s.streams + ((msg.benchChunk + 1) * ${CHUNK_SAMPLES}) / 16;
  return msg;
},
countPrediction(msg) {
  const c = this.counters;
  c.predictions++;
  const now = Date.now();
  c.latencies.push(now - msg.benchDue);
  if (this.detail) {
    const stream = Number(String(msg.streamId).slice(1));
    const sentAt = (c.sentAt[stream] || [])[msg.benchChunk];
    // per prediction: [due, chunk sent by the driver, window at count-windows, prediction here] (ms since epoch)
    c.stages.push([msg.benchDue, sentAt === undefined ? NaN : sentAt, msg.benchWindowAt, now]);
  }
  if (msg.dropped) c.dropped += msg.dropped;
  return msg;
},
}`;

/** The node type the probes run in (written to the user directory's nodes/ folder): its `probe` names the method. */
export const BENCH_PROBE_NODE = `module.exports = function (RED) {
  function BenchProbe(config) {
    RED.nodes.createNode(this, config);
    const bench = this.context().global.get('bench');
    const probe = bench[config.probe].bind(bench);
    this.on('input', (msg, send, done) => {
      send(probe(msg));
      done();
    });
  }
  RED.nodes.registerType('bench-probe', BenchProbe);
};
`;

const probe = (id: string, name: string, method: 'countWindow' | 'countPrediction', wires: string[][]): FlowNode => ({
  id,
  type: 'bench-probe',
  z: 'bench',
  name,
  probe: method,
  wires,
});

/** GET /bench/stats[?latencies=1]: the counters, event-loop utilisation since the run started, memory, tensors. */
const STATS = `
const bench = global.get('bench');
const c = bench.counters;
const elu = bench.perf.eventLoopUtilization(c.elu0);
const mem = bench.memory();
msg.payload = {
  chunks: c.chunks, windows: c.windows, voiced: c.voiced, predictions: c.predictions, dropped: c.dropped,
  droppedAudioSeconds: c.droppedAudioSeconds,
  firstWindowStarts: c.firstWindowStarts,
  streamsWithWindows: Object.keys(c.streamsWithWindows).length,
  driverDoneAt: c.driverDoneAt, now: Date.now(),
  eventLoopUtilisation: elu.utilization,
  rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, tensors: bench.tensors(),
  latencies: msg.req.query.latencies ? c.latencies : undefined,
  stages: msg.req.query.latencies ? c.stages : undefined,
  ticks: msg.req.query.latencies ? c.ticks : undefined,
  gc: msg.req.query.latencies ? c.gc : undefined,
  stalls: msg.req.query.latencies ? c.stalls : undefined,
  threadSeconds: msg.req.query.latencies ? c.threadSeconds : undefined,
  threads: msg.req.query.latencies ? bench.threadsSched() : undefined,
  eventLoopDelayMs: msg.req.query.latencies ? bench.eventLoopDelay() : undefined,
};
return msg;
`;

const fn = (id: string, name: string, func: string, wires: string[][], outputs = 1): FlowNode => ({
  id,
  type: 'function',
  z: 'bench',
  name,
  func,
  outputs,
  wires,
});

/**
 * BENCH_MAX_STREAMS: *Max streams* of all four nodes (their default, 1,000, unless given), so that a run with more
 * streams measures overload of the machine rather than streams refused at the door.
 */
const maxStreams = process.env.BENCH_MAX_STREAMS ? { maxStreams: process.env.BENCH_MAX_STREAMS } : {};

/** `inferMaxWaitMs`: mt-a-dnn-infer's *Max wait* (its default, 0, unless given). */
export function benchFlow(inferMaxWaitMs?: number): FlowNode[] {
  return [
    { id: 'bench', type: 'tab', label: 'end-to-end benchmark' },
    { id: 'start-in', type: 'http in', z: 'bench', url: '/bench/start', method: 'post', wires: [['driver']] },
    fn('driver', 'paced live streams', DRIVER, [['source'], ['start-out']], 2),
    { id: 'start-out', type: 'http response', z: 'bench', wires: [] },
    { id: 'source', type: 'audio-source', z: 'bench', mode: 'flow', chunkMs: String(CHUNK_MS), ...maxStreams, wires: [['window']] },
    // BENCH_FEATURE_THREADS: feature-window's Threads (default auto), to compare thread counts; BENCH_STAGGER=0: its
    // Stagger streams off (windows of streams started together then fall due together)
    {
      id: 'window',
      type: 'feature-window',
      z: 'bench',
      workers: process.env.BENCH_FEATURE_THREADS ?? 'auto',
      staggerStreams: process.env.BENCH_STAGGER !== '0',
      ...maxStreams,
      wires: [['count-windows']],
    },
    probe('count-windows', 'count windows', 'countWindow', [['infer']]),
    {
      id: 'infer',
      type: 'mt-a-dnn-infer',
      z: 'bench',
      ...(inferMaxWaitMs !== undefined ? { maxWait: String(inferMaxWaitMs) } : {}),
      ...maxStreams,
      wires: [['count-predictions']],
    },
    probe('count-predictions', 'latency', 'countPrediction', [['router']]),
    { id: 'router', type: 'emotion-router', z: 'bench', ...maxStreams, wires: [] },
    { id: 'stats-in', type: 'http in', z: 'bench', url: '/bench/stats', method: 'get', wires: [['stats']] },
    fn('stats', 'figures', STATS, [['stats-out']]),
    { id: 'stats-out', type: 'http response', z: 'bench', wires: [] },
  ];
}
