import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type FlowNode, NodeRedInstance, ROOT } from './node-red-instance';

// The whole pipeline on demo clips, routed to a debug node, in each supported Node-RED line.
function pipeline(): FlowNode[] {
  return [
    { id: 'v-tab', type: 'tab', label: 'versions' },
    {
      id: 'v-audio',
      z: 'v-tab',
      type: 'audio-source',
      mode: 'file',
      path: join(ROOT, 'demo', 'clips'),
      realtime: false,
      loop: false,
      autostart: true,
      chunkMs: 250,
      wires: [['v-features']],
    },
    { id: 'v-features', z: 'v-tab', type: 'feature-window', wires: [['v-infer']] },
    { id: 'v-infer', z: 'v-tab', type: 'mt-a-dnn-infer', wires: [['v-router']] },
    { id: 'v-router', z: 'v-tab', type: 'emotion-router', wires: [['v-debug'], ['v-debug'], ['v-debug'], ['v-debug'], ['v-debug']] },
    { id: 'v-debug', z: 'v-tab', type: 'debug', active: true, tosidebar: true, complete: 'payload', wires: [] },
  ];
}

describe('supported Node-RED versions', () => {
  const running: NodeRedInstance[] = [];
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });

  for (const runtime of ['node-red-3', 'node-red']) {
    test(`${runtime}: the four nodes load and route emotions from audio`, { timeout: 120_000 }, async () => {
      const red = await NodeRedInstance.start([], runtime);
      running.push(red);
      const version = (await (await red.request('/settings')).json()) as { version: string };
      assert.match(version.version, runtime === 'node-red-3' ? /^3\./ : /^4\./);
      await red.deploy(pipeline());
      const routed = await red.waitFor(() => red.debug.find((d) => d.id === 'v-debug'), 'a routed emotion');
      assert.match(String((routed.msg as { emotion?: string }).emotion), /^(anger|happiness|neutral|sadness|uncertain)$/);
      assert.ok(!red.logs.some((line) => /\[error\]/.test(line)), red.logs.filter((l) => /\[error\]/.test(l)).join('\n'));
    });
  }
});
