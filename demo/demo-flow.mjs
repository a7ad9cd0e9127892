// The flow `npm start` deploys: demo clips (or a live microphone) -> features -> MT-A-DNN ->
// a dashboard chart of the emotion probabilities, and the emotion router -> text + debug.
import { dashboardConfigNodes, probabilityChartNodes, routedEmotionTextNodes } from './dashboard-nodes.mjs';
import { audioSourceNode, emotionRouterNode, featureWindowNode, inferNode } from './pipeline-nodes.mjs';

const TAB = 'demo-tab';

/**
 * @param {{ source: 'clips' | 'microphone', clipsDir: string, dashboard?: boolean }} options
 */
export function buildDemoFlow({ source, clipsDir, dashboard = true }) {
  const audioSource =
    source === 'microphone'
      ? { mode: 'microphone', recorder: 'arecord', device: '', autostart: true, streamId: 'microphone' }
      : { mode: 'file', path: clipsDir, realtime: true, loop: true, autostart: true, streamId: 'demo-clips' };
  const flow = [
    {
      id: TAB,
      type: 'tab',
      label: 'Speech emotion demo',
      disabled: false,
      info:
        source === 'microphone'
          ? 'Listens to the default microphone and shows the recognised emotion live on the dashboard.'
          : 'Plays the synthetic demo clips in a loop (demo/clips) and shows the recognised emotion live on the dashboard.',
    },
    {
      id: 'demo-comment',
      type: 'comment',
      z: TAB,
      name: source === 'microphone' ? 'Live microphone → emotion → dashboard' : 'Demo clips in a loop → emotion → dashboard',
      info: 'Open the dashboard (link in the terminal, or the dashboard sidebar) to see the probabilities live.',
      x: 220,
      y: 40,
      wires: [],
    },
    audioSourceNode({
      id: 'demo-audio',
      z: TAB,
      name: source === 'microphone' ? 'microphone' : 'demo clips',
      ...audioSource,
      x: 120,
      y: 120,
      wires: [['demo-features']],
    }),
    featureWindowNode({ id: 'demo-features', z: TAB, x: 300, y: 120, wires: [['demo-infer']] }),
    inferNode({
      id: 'demo-infer',
      z: TAB,
      x: 480,
      y: 120,
      wires: [dashboard ? ['demo-to-points', 'demo-router'] : ['demo-router']],
    }),
    emotionRouterNode({
      id: 'demo-router',
      z: TAB,
      x: 520,
      y: 220,
      wires: [[], [], [], [], [], dashboard ? ['demo-describe', 'demo-debug'] : ['demo-debug']],
    }),
    {
      id: 'demo-debug',
      type: 'debug',
      z: TAB,
      name: 'emotion changes',
      active: true,
      tosidebar: true,
      console: false,
      tostatus: true,
      complete: 'payload',
      targetType: 'msg',
      statusVal: 'payload.emotion',
      statusType: 'msg',
      x: 780,
      y: 260,
      wires: [],
    },
  ];
  if (dashboard) {
    flow.push(...dashboardConfigNodes('demo'));
    flow.push(...probabilityChartNodes('demo', { tab: TAB, x: 760, y: 120 }));
    flow.push(...routedEmotionTextNodes('demo', { tab: TAB, x: 780, y: 200 }));
  }
  return flow;
}
