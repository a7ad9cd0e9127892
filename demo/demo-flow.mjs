// The flow `npm start` deploys: demo clips (or a live microphone) -> features -> MT-A-DNN ->
// a dashboard chart of the emotion probabilities, and the emotion router -> text + debug.
import { dashboardConfigNodes, probabilityChartNodes, routedEmotionTextNodes } from './dashboard-nodes.mjs';

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
    {
      id: 'demo-audio',
      type: 'audio-source',
      z: TAB,
      name: source === 'microphone' ? 'microphone' : 'demo clips',
      chunkMs: 250,
      ...audioSource,
      x: 120,
      y: 120,
      wires: [['demo-features']],
    },
    { id: 'demo-features', type: 'feature-window', z: TAB, name: '', x: 300, y: 120, wires: [['demo-infer']] },
    { id: 'demo-model', type: 'mt-a-dnn-model', name: 'shipped model' },
    {
      id: 'demo-infer',
      type: 'mt-a-dnn-infer',
      z: TAB,
      name: '',
      model: 'demo-model',
      x: 480,
      y: 120,
      wires: [dashboard ? ['demo-to-points', 'demo-router'] : ['demo-router']],
    },
    {
      id: 'demo-router',
      type: 'emotion-router',
      z: TAB,
      name: '',
      mode: 'emotion',
      smoothing: 'mean',
      smoothingWindows: 3,
      enterThreshold: 0.5,
      leaveThreshold: 0.4,
      minDwell: 1,
      cooldown: 5,
      changedOutput: true,
      idleTimeout: 60,
      maxStreams: 1000,
      outputs: 6,
      x: 520,
      y: 220,
      wires: [[], [], [], [], [], dashboard ? ['demo-describe', 'demo-debug'] : ['demo-debug']],
    },
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
