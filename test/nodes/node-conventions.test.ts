// The rules every node follows the same way (README "Messages between the nodes"), each node type
// run through the same cases in the real Node-RED runtime.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import featureWindowNode from '../../src/nodes/feature-window/feature-window';
import inferNode from '../../src/nodes/mt-a-dnn-infer/mt-a-dnn-infer';
import emotionRouterNode from '../../src/nodes/emotion-router/emotion-router';
import { MAX_STREAM_ID_LENGTH } from '../../src/core/stream-id';
import { prediction, T0 } from '../core/routing-fixtures';
import { withRuntimeAndRealInput } from '../helpers/real-input';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');

helper.init(require.resolve('node-red'));

type Msg = { payload?: unknown; streamId?: string; topic?: string; error?: { message: string } };
type TestNode = {
  receive(msg: object): void;
  on(event: 'input', cb: (msg: Msg) => void): void;
  on(event: 'call:status', cb: (call: { args: [{ text?: string; fill?: string; shape?: string }] }) => void): void;
};

/** For each node type: its test properties and a message that yields one output on output 1 (or its last). */
interface NodeCase {
  type: string;
  props: Record<string, unknown>;
  outputs: number;
  /** an input without stream id that produces output */
  input: () => Record<string, unknown>;
}

const real = withRuntimeAndRealInput();

const CASES: NodeCase[] = [
  {
    type: 'audio-source',
    props: { mode: 'flow', chunkMs: 100 },
    outputs: 1,
    input: () => ({ payload: Buffer.alloc(3200 * 2), final: true }),
  },
  {
    type: 'feature-window',
    props: { sendUnvoiced: true, trimSilence: false },
    outputs: 1,
    input: () => ({ payload: Array.from(real.clip.subarray(0, 48000)), audio: { sampleRate: 16000, final: true } }),
  },
  { type: 'mt-a-dnn-infer', props: {}, outputs: 1, input: () => ({ payload: real.vector }) },
  {
    type: 'emotion-router',
    props: { smoothingWindows: 1, minDwell: 0, cooldown: 0 },
    outputs: 6,
    input: () => {
      const p: Partial<ReturnType<typeof prediction>> = prediction('anger', 0.9, T0);
      delete p.streamId;
      return { payload: p };
    },
  },
];

function flow(c: NodeCase, props: Record<string, unknown> = {}) {
  return [
    { id: 'n', type: c.type, wires: Array.from({ length: c.outputs }, () => ['out']), ...c.props, ...props },
    { id: 'out', type: 'helper' },
    { id: 'catch-all', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function waitFor<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return assert.fail(`timed out waiting for ${what}`);
}

async function load(c: NodeCase, props: Record<string, unknown> = {}) {
  const statuses: Array<{ text?: string; fill?: string; shape?: string }> = [];
  await helper.load([audioSourceNode, featureWindowNode, inferNode, emotionRouterNode, catchNode], flow(c, props));
  const node = helper.getNode('n') as unknown as TestNode;
  const out: Msg[] = [];
  const caught: Msg[] = [];
  (helper.getNode('out') as unknown as TestNode).on('input', (m) => out.push(m));
  (helper.getNode('caught') as unknown as TestNode).on('input', (m) => caught.push(m));
  return { node, out, caught, statuses };
}

describe('the rules every node follows', () => {
  for (const c of CASES) {
    describe(c.type, () => {
      for (const maxStreams of ['2.5', '0']) {
        test(`max. streams ${maxStreams}: invalid configuration, a red ring, every message refused`, async () => {
          const { node, caught } = await load(c, { maxStreams });
          node.receive(c.input());
          node.receive(c.input());
          await waitFor(() => caught.length === 2, 'both refusals');
          for (const m of caught)
            assert.match(
              m.error!.message,
              /^Error: invalid configuration: (max\. streams must be a whole number from 1 to 100000|maxStreams must be an integer in \[1, 100000\]), got/,
            );
          const logged = helper
            .log()
            .args.map((args: unknown[]) => args[0] as { level: number; id?: string; msg?: unknown })
            .filter(
              (e: { level: number; id?: string; msg?: unknown }) =>
                e.level === 20 && e.id === 'n' && /^invalid configuration/.test(String(e.msg)),
            );
          assert.equal(logged.length, 1, 'the problem is logged once, when the node starts');
        });
      }

      test('the stream id comes from msg.topic when the message names none', async () => {
        const { node, out, caught } = await load(c);
        node.receive({ ...c.input(), topic: 'kitchen' });
        const msg = await waitFor(() => out[0] ?? (caught[0] && assert.fail(caught[0].error?.message)), 'an output');
        assert.equal(msg.streamId, 'kitchen');
      });

      test(`a long stream id is cut to ${MAX_STREAM_ID_LENGTH} characters`, async () => {
        const { node, out, caught } = await load(c);
        const long = `s${'x'.repeat(5000)}`;
        node.receive({ ...c.input(), streamId: long });
        const msg = await waitFor(() => out[0] ?? (caught[0] && assert.fail(caught[0].error?.message)), 'an output');
        assert.equal(msg.streamId, long.slice(0, MAX_STREAM_ID_LENGTH));
      });

      test('msg.reset and msg.topic "reset" are taken as resets, not as input', async () => {
        const { node, out, caught } = await load(c);
        node.receive({ reset: true, streamId: 'a' });
        node.receive({ topic: 'reset' });
        node.receive({ ...c.input(), streamId: 'after' });
        const msg = await waitFor(() => out[0] ?? (caught[0] && assert.fail(caught[0].error?.message)), 'an output');
        assert.equal(msg.streamId, 'after', 'the resets sent nothing and failed nothing');
        assert.equal(caught.length, 0);
      });
    });
  }
});
