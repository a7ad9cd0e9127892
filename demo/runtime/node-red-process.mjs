// Runs Node-RED as a child process on a prepared user directory and tells when it is listening.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from './user-dir.mjs';

const require = createRequire(import.meta.url);
const LOG_TAIL_LINES = 400;

/**
 * Starts `node-red` with `userDir` (whose settings.js sets the port; port 0 picks a free one), in the
 * working directory `cwd` (the user directory unless given).
 * Resolves once the server listens, with { url, port, child, logs, stop }. Rejects if Node-RED
 * exits first or does not come up within `timeoutMs`.
 */
export function startNodeRed({ userDir, cwd = userDir, env = {}, timeoutMs = 60_000, echo = false, runtime = 'node-red' }) {
  // `runtime` names the installed Node-RED package: 'node-red', or the 'node-red-3' alias the tests use.
  const redJs = join(require.resolve(`${runtime}/package.json`, { paths: [PROJECT_ROOT] }), '..', 'red.js');
  const child = spawn(process.execPath, [redJs, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => finish(new Error(`Node-RED did not start within ${timeoutMs} ms:\n${logs.slice(-30).join('\n')}`)),
      timeoutMs,
    );
    function finish(error, value) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) stop().then(() => reject(error));
      else resolve(value);
    }
    let partial = '';
    const onData = (data) => {
      const lines = (partial + data.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (logs.length > LOG_TAIL_LINES) logs.shift();
        if (echo) process.stdout.write(`${line}\n`);
        const running = /Server now running at (https?:\/\/[^\s/]+:(\d+))\//.exec(line);
        if (running) {
          const port = Number(running[2]);
          finish(null, { url: `http://127.0.0.1:${port}`, port, child, logs, stop, exited });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) =>
      finish(new Error(`Node-RED exited (${code ?? signal}) before listening:\n${logs.slice(-30).join('\n')}`)),
    );
  });
}
