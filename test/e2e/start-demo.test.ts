// `npm start` as a user runs it (after the build): the demo Node-RED comes up on the given port,
// prints the editor and dashboard URLs, serves both, and the looping demo clips are routed to
// more than one emotion.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT, assertBuilt } from './node-red-instance';

assertBuilt();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const userDir = mkdtempSync(join(tmpdir(), 'speech-emotion-demo-'));
after(() => rmSync(userDir, { recursive: true, force: true }));

test('npm start: prints the URLs, serves editor and dashboard, and the demo shows several emotions', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start-demo.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DEMO_SOURCE: 'clips', DEMO_USERDIR: userDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 90_000;
    while (!/Dashboard:\s+http/.test(output)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `no URLs printed:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const editorUrl = /Node-RED editor:\s+(\S+)/.exec(output)![1];
    const dashboardUrl = /Dashboard:\s+(\S+)/.exec(output)![1];
    assert.equal(editorUrl, `http://127.0.0.1:${port}/`);
    assert.equal(dashboardUrl, `http://127.0.0.1:${port}/dashboard/emotion`);
    assert.match(output, /Listening on:\s+127\.0\.0\.1 only/);
    // The editor has no login: the demo listens on the loopback address only (Linux shows the socket in /proc).
    if (existsSync('/proc/net/tcp')) {
      const portHex = port.toString(16).toUpperCase().padStart(4, '0');
      const listening = [readFileSync('/proc/net/tcp', 'utf8'), existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8') : '']
        .join('\n')
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A');
      assert.deepEqual(
        listening.map((cols) => cols[1]),
        [`0100007F:${portHex}`],
        'one listening socket, on 127.0.0.1',
      );
    }
    for (const url of [editorUrl, dashboardUrl]) {
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
    }

    // The demo flow's debug node shows every routed change: collect them from the editor's socket.
    const emotions = new Set<string>();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/comms`);
    socket.on('open', () => socket.send(JSON.stringify({ subscribe: 'debug' })));
    socket.on('message', (data) => {
      for (const event of JSON.parse(data.toString()) as Array<{ topic: string; data: { msg: string; format: string } }>) {
        if (event.topic !== 'debug' || event.data.format !== 'Object') continue;
        const payload = JSON.parse(event.data.msg) as { emotion?: string };
        if (payload.emotion && payload.emotion !== 'uncertain') emotions.add(payload.emotion);
      }
    });
    // One loop of the clips lasts about 30 s of real-time playback.
    const until = Date.now() + 75_000;
    while (emotions.size < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    socket.close();
    assert.ok(emotions.size >= 2, `routed emotions: ${[...emotions].join(', ') || 'none'}\n${output.slice(-3000)}`);
  } finally {
    child.kill('SIGINT');
    await exited;
  }
  assert.match(output, /Stopped flows|Stopping flows/, 'Ctrl+C stops Node-RED cleanly');
});
