// Per-stream memory stays bounded in every node: huge stream ids are not kept whole, and many
// distinct streams cannot grow the heap past the nodes' limits. Heap is measured after gc.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import inferNode from '../../src/nodes/mt-a-dnn-infer/mt-a-dnn-infer';
import emotionRouterNode from '../../src/nodes/emotion-router/emotion-router';
import { prediction, T0 } from '../core/routing-fixtures';
import { withRuntimeAndRealInput } from '../helpers/real-input';
import { memoryAfterGc } from '../helpers/memory-after-gc';

helper.init(require.resolve('node-red'));

async function heapUsedAfterGc(): Promise<number> {
  // the test helper's spies keep the arguments of every node.send, node.status, ... call
  (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
  return (await memoryAfterGc()).heapUsed;
}

type Msg = { payload?: unknown; streamId?: string; error?: { message: string } };
type TestNode = {
  receive(msg: object): void;
  on(event: 'input', cb: (msg: Msg) => void): void;
  on(event: 'call:status', cb: (call: { args: [{ text?: string }] }) => void): void;
};

/** Each node type with an input that creates per-stream state for the stream it names (no final chunk). */
const real = withRuntimeAndRealInput();

const CASES: Array<{ type: string; props: Record<string, unknown>; outputs: number; input: (i: number) => Record<string, unknown> }> = [
  {
    type: 'audio-source',
    props: { mode: 'flow', chunkMs: 100, maxStreams: 100000 },
    outputs: 1,
    input: () => ({ payload: Buffer.alloc(320) }),
  },
  {
    type: 'feature-window',
    // On Node-RED's thread: these tests measure the heap right after sending, which a worker thread
    // still busy with the queue (or still starting under tsx) would fill with messages not yet done.
    props: { maxStreams: 100000, trimSilence: false, workers: 0 },
    outputs: 1,
    input: () => ({ payload: real.clip.subarray(0, 1600), audio: { sampleRate: 16000 } }),
  },
  { type: 'mt-a-dnn-infer', props: { maxStreams: 100000 }, outputs: 1, input: () => ({ payload: real.vector }) },
  {
    type: 'emotion-router',
    props: { maxStreams: 100000 },
    outputs: 6,
    input: (i) => {
      const p: Partial<ReturnType<typeof prediction>> = prediction('anger', 0.9, T0 + i);
      delete p.streamId;
      return { payload: p };
    },
  },
];

async function load(type: string, props: Record<string, unknown>, outputs: number) {
  await helper.load(
    [audioSourceNode, featureWindowNode, inferNode, emotionRouterNode],
    [{ id: 'n', type, wires: Array.from({ length: outputs }, () => []), ...props }],
  );
  const node = helper.getNode('n') as unknown as TestNode & { error: unknown };
  const errors: string[] = [];
  (node as unknown as { on(e: 'call:error', cb: (c: { args: unknown[] }) => void): void }).on('call:error', (c) =>
    errors.push(String(c.args[0])),
  );
  const statuses: string[] = [];
  node.on('call:status', (c) => statuses.push(c.args[0].text ?? ''));
  return { node, errors, statuses };
}

/** Sends `count` messages through `node`, each naming its own stream, a few at a time so the loop can run. */
async function sendStreams(node: TestNode, count: number, input: (i: number) => Record<string, unknown>, id: (i: number) => string) {
  for (let i = 0; i < count; i++) {
    node.receive({ ...input(i), streamId: id(i) });
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe('per-stream memory in every node', () => {
  for (const c of CASES) {
    test(`${c.type}: 300 distinct 1 MB stream ids do not keep 300 MB`, async () => {
      const { node, errors } = await load(c.type, c.props, c.outputs);
      const heapBefore = await heapUsedAfterGc();
      // a fresh 1 MB string per message, as JSON.parse of a hostile message would make it
      await sendStreams(node, 300, c.input, (i) => `${i}:${'x'.repeat(1024 * 1024)}`);
      const growth = (await heapUsedAfterGc()) - heapBefore;
      assert.deepEqual(errors, []);
      assert.ok(growth < 30 * 1024 * 1024, `the heap grew by ${(growth / 1048576).toFixed(1)} MB`);
    });
  }

  const MANY = 100_000;
  for (const c of CASES.slice(1)) {
    test(`${c.type}: ${MANY} distinct stream ids keep the heap bounded`, async () => {
      // feature-window: no cap on the count, a 4 MB budget (each stream holds ~10 KB: 1 GB without it)
      const props = c.type === 'feature-window' ? { ...c.props, maxMemoryMB: 4 } : { ...c.props, maxStreams: 1000 };
      const { node, errors, statuses } = await load(c.type, props, c.outputs);
      const input = c.type === 'feature-window' ? () => ({ payload: real.clip.subarray(0, 160), audio: { sampleRate: 16000 } }) : c.input;
      const heapBefore = await heapUsedAfterGc();
      await sendStreams(node, MANY, input, (i) => `stream-${i}`);
      const growth = (await heapUsedAfterGc()) - heapBefore;
      assert.deepEqual(errors, []);
      assert.ok(growth < 48 * 1024 * 1024, `the heap grew by ${(growth / 1048576).toFixed(1)} MB`);
      if (c.type === 'feature-window') {
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.match(statuses.at(-1) ?? '', /^\d+ streams, \d+ dropped, 0 windows$/);
      }
    });
  }
});
