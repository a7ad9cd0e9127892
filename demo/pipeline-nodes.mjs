// The recognition nodes with every property their editors define, so that flows written here
// (the demo and the examples) open in the editor as valid nodes. Keep in step with src/nodes/*/*.html;
// test/e2e/editor.browser.test.ts fails on any node the editor marks invalid.

export function audioSourceNode(props) {
  return {
    type: 'audio-source',
    name: '',
    mode: 'flow',
    streamId: '',
    chunkMs: 250,
    pcmRate: 16000,
    pcmChannels: 1,
    pcmBits: 16,
    pcmEncoding: 'signed-integer',
    maxStreams: 1000,
    idleTimeout: 60,
    path: '',
    pathType: 'str',
    realtime: true,
    loop: false,
    recorder: 'arecord',
    device: '',
    captureRate: 16000,
    command: '',
    args: '',
    autostart: false,
    ...props,
  };
}

export function featureWindowNode(props) {
  return {
    type: 'feature-window',
    name: '',
    profile: 'paper',
    windowSeconds: 3,
    hopSeconds: 1,
    minFinalSeconds: 1,
    minSpeechRatio: 0.2,
    thresholdDb: -55,
    sendUnvoiced: true,
    maxStreams: 1000,
    idleTimeout: 60,
    workers: 'auto',
    lagBudget: 2,
    maxQueueMB: 64,
    ...props,
  };
}

/** `model: ''` uses the model shipped with the package. */
export function inferNode(props) {
  return {
    type: 'mt-a-dnn-infer',
    name: '',
    model: '',
    unvoiced: 'drop',
    attention: false,
    maxBatch: 64,
    maxWait: 0,
    maxQueued: 2000,
    maxStreams: 1000,
    idleTimeout: 300,
    output: 'prediction',
    resendAfter: 0,
    maxUnanswered: 10000,
    ...props,
  };
}

/** The emotion router with its editor defaults; `outputs` follows the mode and the changed output. */
export function emotionRouterNode(props) {
  const node = {
    type: 'emotion-router',
    name: '',
    mode: 'emotion',
    smoothing: 'mean',
    smoothingWindows: 3,
    enterThreshold: 0.5,
    leaveThreshold: 0.4,
    minDwell: 1,
    cooldown: 5,
    changedOutput: true,
    dropRepeatedWindows: false,
    idleTimeout: 60,
    maxStreams: 1000,
    ...props,
  };
  node.outputs = (node.mode === 'emotion' ? 4 : 2) + 1 + (node.changedOutput ? 1 : 0);
  if (node.wires && node.wires.length !== node.outputs) {
    throw new Error(`router ${node.id}: ${node.wires.length} wires for ${node.outputs} outputs`);
  }
  return node;
}
