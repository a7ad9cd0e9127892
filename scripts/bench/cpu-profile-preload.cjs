// Loaded into the node-red process by `npm run bench -- --cpu-prof DIR` (node's own --cpu-prof is not
// allowed in NODE_OPTIONS; Node-RED exits on SIGUSR2): the first SIGWINCH starts the profiler, the second writes DIR/node-red-PID.cpuprofile,
// so that the profile covers the streams only, not Node-RED's start. NODE_OPTIONS' --require also runs in every
// worker thread (feature-window's): the main thread passes each signal on over a BroadcastChannel, and a thread
// writes DIR/node-red-PID-thread-ID.cpuprofile (a thread started later asks whether the profiler runs).
/* eslint-disable @typescript-eslint/no-require-imports -- loaded by node --require, which takes CommonJS */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { isMainThread, threadId, BroadcastChannel } = require('node:worker_threads');

const dir = process.env.SPEECH_EMOTION_CPU_PROFILE_DIR;
const session = new Session();
session.connect();
let running = false;
const name = isMainThread ? `node-red-${process.pid}` : `node-red-${process.pid}-thread-${threadId}`;
const channel = new BroadcastChannel('speech-emotion-cpu-profile');
channel.unref();

function toggle() {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
  });
}

if (isMainThread) {
  process.on('SIGWINCH', () => {
    channel.postMessage(running ? 'stop' : 'start');
    toggle();
  });
  // a thread started while the profiler runs asks whether to start its own
  channel.onmessage = ({ data }) => {
    if (data === 'ask' && running) channel.postMessage('start');
  };
} else {
  channel.onmessage = ({ data }) => {
    if ((data === 'start' || data === 'stop') && (data === 'start') !== running) toggle();
  };
  channel.postMessage('ask');
}
