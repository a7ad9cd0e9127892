/**
 * What a message between two threads costs each of them (Linux: the threads' own CPU from /proc/self/task/TID/schedstat),
 * sent to a thread that sleeps between messages (2 ms apart) and to one that keeps getting them: a pool request shaped
 * like feature-window's, answered with a reply shaped like its thread's.
 *
 * Usage: npx tsx scripts/bench/message-wake-cost.ts [--messages 2000]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const threadCpuMs = (tid: number) => Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

const request = (id: number) => ({
  kind: 'push',
  id,
  streamId: `s${id % 1000}`,
  samples: { slab: 1, byteOffset: 4096, length: 4000, type: 1 },
  timestamp: 1.7e12,
  final: false,
  afterGap: false,
});

/** The receiving thread, plain JavaScript (no loader of its own, so that it is the one thread it adds to the process). */
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', () =>
  parentPort.postMessage({ id: 1, size: 500, droppedStreams: 0, bytes: 1e8, workMs: 0.3, ok: true, windows: [], nextWindowIn: 3200 }),
);
parentPort.postMessage('ready');
`;

const tasks = () => new Set(readdirSync('/proc/self/task').map(Number));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--messages');
  const messages = at >= 0 ? Number(args[at + 1]) : 2000;
  const before = tasks();
  const worker = new Worker(RECEIVER, { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  const added = [...tasks()].filter((tid) => !before.has(tid));
  if (added.length !== 1) throw new Error(`expected the worker to add one thread, it added ${added.length}`);
  const receiverTid = added[0];
  console.log(`${messages} requests and replies; CPU µs per round trip`);
  console.log('| receiver | sender (main thread) | receiver (worker thread) |');
  console.log('| --- | --- | --- |');
  for (const [label, gapMs] of [
    ['sleeps between messages (2 ms apart)', 2],
    ['kept busy (50 at a time)', 0],
  ] as const) {
    let answered = 0;
    const done = new Promise<void>((resolve) => {
      const onReply = () => {
        if (++answered < messages) return;
        worker.off('message', onReply);
        resolve();
      };
      worker.on('message', onReply);
    });
    const sender = threadCpuMs(process.pid);
    const receiver = threadCpuMs(receiverTid);
    for (let i = 0; i < messages; i++) {
      worker.postMessage(request(i));
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      else if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    const perMessage = (ms: number) => ((ms * 1000) / messages).toFixed(1);
    console.log(`| ${label} | ${perMessage(threadCpuMs(process.pid) - sender)} | ${perMessage(threadCpuMs(receiverTid) - receiver)} |`);
  }
  await worker.terminate();
}

void main();
