// Faults of audio-source that must never take a real Node-RED process down: configurations the
// decoder refuses, deployed with autostart (a saved flow would otherwise crash Node-RED at every start).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeRedInstance, assertBuilt, type FlowNode } from './node-red-instance';

assertBuilt();

/** A tab with `nodes`, and an inject → debug pair that fires a second after deploy (the process is alive and running). */
function flowWith(nodes: FlowNode[]): FlowNode[] {
  return [
    { id: 'tab', type: 'tab', label: 'faults' },
    ...nodes.map((n) => ({ z: 'tab', ...n })),
    { id: 'later', type: 'inject', z: 'tab', once: true, onceDelay: 1, payload: 'alive', payloadType: 'str', wires: [['alive']] },
    { id: 'alive', type: 'debug', z: 'tab', active: true, complete: 'payload', wires: [] },
  ];
}

describe('audio-source in a real Node-RED: refused configurations', () => {
  let red: NodeRedInstance;
  before(async () => {
    red = await NodeRedInstance.start([]);
  });
  after(() => red?.stop());

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['sox recording at 4000 Hz', { recorder: 'sox', captureRate: 4000 }, /sample rate 4000/],
    ['a custom recorder writing 12-bit PCM', { recorder: 'custom', command: 'cat', args: '/dev/zero', pcmBits: 12 }, /12 bits/],
  ];
  for (const [what, props, problem] of cases) {
    test(`${what}, started on deploy: a red status naming the problem, Node-RED keeps running`, async () => {
      await red.deploy(flowWith([{ id: 'mic', type: 'audio-source', mode: 'microphone', autostart: true, wires: [[]], ...props }]));
      const red_ = await red.waitFor(() => red.statuses.find((s) => s.id === 'mic' && s.fill === 'red'), 'a red status');
      assert.match(red_.text ?? '', /invalid configuration/);
      assert.match(red.logs.join('\n'), problem);
      await red.waitFor(() => red.debug.some((d) => d.id === 'alive'), 'the inject a second after deploy', 20_000);
      assert.equal(
        (await red.flows()).some((n) => n.id === 'mic'),
        true,
        'the admin API still answers',
      );
    });
  }
});
