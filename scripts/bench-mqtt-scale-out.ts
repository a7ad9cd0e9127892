// MQTT scale-out benchmark: real mosquitto, real Node-RED workers (example 06), real windows from an edge (example 05).
// 1. An edge Node-RED plays STREAMS streams of RAVDESS speech (fast) and its calibrated windows are recorded.
// 2. For 1, 2 and 4 workers: those windows are published (QoS 1) all at once (throughput) and then paced
//    (latency at a live rate), and every result is awaited.
// Reports windows/s, latency p50/p99 (publish to result, both seen by this process), worker CPU time per window
// (process.cpuUsage of no process here: /proc/PID/stat of the workers), bytes per window and per result.
// Usage: npm run build && npx tsx scripts/bench-mqtt-scale-out.ts [--streams 50] [--paced-rate 100]
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { MosquittoBroker } from '../test/e2e/mosquitto-broker';
import { NodeRedInstance, assertBuilt } from '../test/e2e/node-red-instance';
import { PREFIX, TopicRecorder, Worker, edgeFlow, speechStreams, windowKey } from '../test/e2e/mqtt-scale-out-fleet';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const STREAMS = arg('streams', 50);
const PACED_RATE = arg('paced-rate', 100);
const CLOCK_TICKS = 100;

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function recordWindows(broker: MosquittoBroker): Promise<{ topic: string; payload: Buffer; key: string }[]> {
  const recorder = await TopicRecorder.start(broker.url);
  const edge = await NodeRedInstance.start(edgeFlow(speechStreams(STREAMS, 3), broker.port, false));
  let last = -1;
  // Done when no new window has come for 3 s.
  while (recorder.windows.length !== last || recorder.windows.length === 0) {
    last = recorder.windows.length;
    await sleep(3000);
  }
  await edge.stop();
  await recorder.end();
  return recorder.windows.map((w) => ({ topic: w.topic, payload: Buffer.from(JSON.stringify(w.payload)), key: windowKey(w.payload) }));
}

async function run(
  broker: MosquittoBroker,
  windows: Awaited<ReturnType<typeof recordWindows>>,
  workerCount: number,
  ratePerSecond: number,
) {
  const workers = await Promise.all(
    Array.from({ length: workerCount }, (_, i) => Worker.start(`bench-${workerCount}-${ratePerSecond}-${i}`, broker.port)),
  );
  await Promise.all(workers.map((w) => w.connected()));
  const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const results = new Map<string, number>();
  const resultBytes: number[] = [];
  publisher.on('message', (_topic, payload) => {
    const p = JSON.parse(payload.toString()) as { streamId: string; seq: number };
    if (!results.has(windowKey(p))) results.set(windowKey(p), performance.now());
    resultBytes.push(payload.length);
  });
  await publisher.subscribeAsync(`${PREFIX}/emotion/#`, { qos: 1 });
  // The bench's own windows carry a run tag in the stream id so that runs never mix.
  const tag = `${workerCount}w${ratePerSecond}`;
  const sentAt = new Map<string, number>();
  const cpuBefore = workers.map((w) => cpuSeconds(w.red.pid));
  const start = performance.now();
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i];
    const payload = JSON.parse(w.payload.toString()) as { streamId: string; seq: number };
    payload.streamId = `${tag}-${payload.streamId}`;
    const key = windowKey(payload);
    if (ratePerSecond > 0) {
      const due = start + (1000 * i) / ratePerSecond;
      if (due > performance.now()) await sleep(due - performance.now());
    }
    sentAt.set(key, performance.now());
    publisher.publish(`${PREFIX}/windows/${encodeURIComponent(payload.streamId)}`, JSON.stringify(payload), { qos: 1 });
  }
  while (results.size < windows.length) await sleep(50);
  const elapsed = (Math.max(...results.values()) - start) / 1000;
  const cpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.red.pid) - cpuBefore[i], 0);
  const latencies = [...sentAt].map(([key, at]) => results.get(key)! - at).sort((a, b) => a - b);
  await publisher.endAsync();
  await Promise.all(workers.map((w) => w.stop()));
  return {
    workers: workerCount,
    mode: ratePerSecond > 0 ? `paced ${ratePerSecond}/s` : 'all at once',
    windowsPerSecond: Math.round(windows.length / elapsed),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    workerCpuMsPerWindow: Number(((1000 * cpu) / windows.length).toFixed(2)),
    resultBytes: Math.round(resultBytes.reduce((a, b) => a + b, 0) / resultBytes.length),
  };
}

async function main() {
  assertBuilt();
  const broker = await MosquittoBroker.start();
  try {
    const windows = await recordWindows(broker);
    const windowBytes = windows.map((w) => w.payload.length);
    console.log(
      `${windows.length} windows from ${STREAMS} streams; window payload ${Math.round(windowBytes.reduce((a, b) => a + b, 0) / windowBytes.length)} bytes (min ${Math.min(...windowBytes)}, max ${Math.max(...windowBytes)})`,
    );
    const rows = [];
    for (const workers of [1, 2, 4]) {
      rows.push(await run(broker, windows, workers, 0));
      rows.push(await run(broker, windows, workers, PACED_RATE));
      console.log(rows.slice(-2));
    }
    console.table(rows);
    const perWindow = rows.filter((r) => r.mode === 'all at once').map((r) => r.workerCpuMsPerWindow);
    const cpuMs = Math.min(...perWindow);
    console.log(
      `worker CPU per window ${cpuMs} ms at best: one worker core serves about ${Math.floor(1000 / cpuMs)} live streams (1 window/s each); ` +
        'broker messages per stream per second: 4 (window in, window to a worker, result in, result to the edge), plus their QoS 1 acknowledgements',
    );
  } finally {
    await broker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
