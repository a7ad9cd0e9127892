// Loaded into the node-red process by `npm run bench -- --cpu-prof DIR` (node's own --cpu-prof is not
// allowed in NODE_OPTIONS; Node-RED exits on SIGUSR2): the first SIGWINCH starts the profiler, the second writes DIR/node-red-PID.cpuprofile,
// so that the profile covers the streams only, not Node-RED's start.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded by node --require, which takes CommonJS */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.SPEECH_EMOTION_CPU_PROFILE_DIR;
const session = new Session();
session.connect();
let running = false;
process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(join(dir, `node-red-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
