// `npm start`: a real Node-RED with its user directory inside the project (.demo-userdir/), this
// package and the FlowFuse dashboard linked in, and a demo flow that plays synthetic clips in a
// loop (or listens to the microphone when one is present) with the probabilities on a dashboard.
//
// Environment: PORT (default 1880), DEMO_SOURCE=auto|clips|microphone (default auto),
// DEMO_RESET=1 to overwrite the demo flow with a fresh copy, DEMO_USERDIR to use another user directory.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildDemoFlow } from '../demo/demo-flow.mjs';
import { PROJECT_ROOT, prepareUserDir } from '../demo/runtime/user-dir.mjs';
import { startNodeRed } from '../demo/runtime/node-red-process.mjs';

function hasMicrophone() {
  const result = spawnSync('arecord', ['-l'], { encoding: 'utf8', timeout: 5000 });
  return result.status === 0 && /^card \d+:/m.test(result.stdout);
}

const port = process.env.PORT ?? '1880';
if (!/^\d+$/.test(port) || Number(port) > 65535) {
  console.error(`PORT must be a port number, got "${port}"`);
  process.exit(2);
}
const requested = process.env.DEMO_SOURCE ?? 'auto';
if (!['auto', 'clips', 'microphone'].includes(requested)) {
  console.error(`DEMO_SOURCE must be auto, clips or microphone, got "${requested}"`);
  process.exit(2);
}
const source = requested === 'auto' ? (hasMicrophone() ? 'microphone' : 'clips') : requested;
const userDir = process.env.DEMO_USERDIR ? resolve(process.env.DEMO_USERDIR) : join(PROJECT_ROOT, '.demo-userdir');
const { dashboard } = prepareUserDir({
  userDir,
  port: Number(port),
  flows: buildDemoFlow({ source, clipsDir: join(PROJECT_ROOT, 'demo', 'clips') }),
  replaceFlows: process.env.DEMO_RESET === '1' || process.env.DEMO_SOURCE !== undefined,
});

console.log(
  `Starting Node-RED in ${userDir} (${source === 'microphone' ? 'listening to the microphone' : 'playing demo/clips in a loop'}) ...`,
);
const red = await startNodeRed({ userDir, timeoutMs: 120_000 });
const host = process.env.HOST && process.env.HOST !== '0.0.0.0' && process.env.HOST !== '::' ? process.env.HOST : '127.0.0.1';
for (const line of red.logs) console.log(line);
console.log('');
console.log(`  Node-RED editor:  http://${host}:${red.port}/`);
if (dashboard) console.log(`  Dashboard:        http://${host}:${red.port}/dashboard/emotion`);
else console.log('  Dashboard:        not available (@flowfuse/node-red-dashboard is not installed)');
console.log(
  process.env.HOST
    ? `  Listening on:     ${process.env.HOST} (HOST): the editor has no login, so anyone who reaches this address can change the flows`
    : '  Listening on:     127.0.0.1 only (HOST=0.0.0.0 to open it to the network; the editor has no login)',
);
console.log(`  Source:           ${source}${source === 'clips' ? ' (DEMO_SOURCE=microphone to listen live)' : ''}`);
console.log('  Stop with Ctrl+C.');
console.log('');
red.child.stdout.pipe(process.stdout);
red.child.stderr.pipe(process.stderr);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await red.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
const { code, signal } = await red.exited;
if (!stopping) {
  console.error(`Node-RED stopped (${code ?? signal})`);
  process.exit(typeof code === 'number' ? code : 1);
}
