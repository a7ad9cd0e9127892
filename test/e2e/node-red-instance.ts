// A real Node-RED child process on a temporary user directory (laid out as for `npm start`),
// with helpers to deploy flows through the admin API and to watch debug and status events
// through the editor's own websocket.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
// @ts-expect-error plain ES module shared with scripts/start-demo.mjs
import { prepareUserDir, PROJECT_ROOT } from '../../demo/runtime/user-dir.mjs';
// @ts-expect-error plain ES module shared with scripts/start-demo.mjs
import { startNodeRed } from '../../demo/runtime/node-red-process.mjs';

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface DebugEvent {
  id: string;
  name?: string;
  msg: unknown;
}

export interface StatusEvent {
  id: string;
  text?: string;
  fill?: string;
}

export const ROOT: string = PROJECT_ROOT;

/** Throws unless every node of this package is compiled in dist/: a missing build fails the tests that need it. */
export function assertBuilt(): void {
  const missing = ['audio-source', 'feature-window', 'mt-a-dnn-model', 'mt-a-dnn-infer', 'emotion-router']
    .map((type) => join('dist', 'nodes', type, `${type}.js`))
    .filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} (run npm run build)`);
}

export class NodeRedInstance {
  readonly debug: DebugEvent[] = [];
  readonly statuses: StatusEvent[] = [];
  private socket: WebSocket | undefined;

  private constructor(
    readonly url: string,
    readonly userDir: string,
    private readonly process: { stop(): Promise<void>; logs: string[]; child: { pid?: number } },
  ) {}

  /** The Node-RED process id (to read /proc/PID). */
  get pid(): number {
    return this.process.child.pid!;
  }

  /**
   * Starts Node-RED on a free port with this package (and the dashboard) linked in; `runtime`
   * is the Node-RED package to run ('node-red', or 'node-red-3' for the oldest supported line).
   */
  static async start(flows: FlowNode[] = [], runtime = 'node-red'): Promise<NodeRedInstance> {
    const userDir = mkdtempSync(join(tmpdir(), 'speech-emotion-e2e-'));
    prepareUserDir({ userDir, port: 0, flows, replaceFlows: true });
    return NodeRedInstance.startIn({ userDir, runtime });
  }

  /**
   * Starts Node-RED on a user directory laid out by the caller (with a settings.js), from the working
   * directory `cwd` (the user directory unless given), with `env` added to this process's environment.
   * stop() removes the user directory.
   */
  static async startIn({
    userDir,
    cwd,
    runtime = 'node-red',
    env = {},
  }: {
    userDir: string;
    cwd?: string;
    runtime?: string;
    env?: Record<string, string>;
  }): Promise<NodeRedInstance> {
    const red = await startNodeRed({ userDir, cwd, timeoutMs: 90_000, runtime, env });
    const instance = new NodeRedInstance(red.url, userDir, red);
    await instance.connectComms();
    return instance;
  }

  get logs(): string[] {
    return this.process.logs;
  }

  private connectComms(): Promise<void> {
    const socket = new WebSocket(`${this.url.replace('http', 'ws')}/comms`);
    this.socket = socket;
    socket.on('message', (data) => {
      const events = JSON.parse(data.toString()) as Array<{ topic: string; data: Record<string, unknown> }>;
      for (const event of Array.isArray(events) ? events : [events]) {
        if (event.topic === 'debug') {
          const raw = event.data.msg;
          let msg: unknown = raw;
          if (typeof raw === 'string' && (event.data.format === 'Object' || String(event.data.format).startsWith('array'))) {
            try {
              msg = JSON.parse(raw);
            } catch {
              msg = raw;
            }
          }
          this.debug.push({ id: String(event.data.id), name: event.data.name as string | undefined, msg });
        } else if (event.topic.startsWith('status/')) {
          this.statuses.push({ id: event.topic.slice('status/'.length), ...(event.data as { text?: string; fill?: string }) });
        }
      }
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        // A Node-RED killed on purpose (a test's SIGKILL) resets the socket: that is no test failure.
        socket.on('error', () => undefined);
        socket.send(JSON.stringify({ subscribe: 'debug' }));
        socket.send(JSON.stringify({ subscribe: 'status/#' }));
        resolve();
      });
      socket.once('error', reject);
    });
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, init);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  /** Replaces all flows (a full deploy, as the editor's Deploy button does). */
  async deploy(flows: FlowNode[]): Promise<void> {
    this.debug.length = 0;
    this.statuses.length = 0;
    await this.request('/flows', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v1', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });
  }

  async flows(): Promise<FlowNode[]> {
    return (await (await this.request('/flows', { headers: { 'Node-RED-API-Version': 'v1' } })).json()) as FlowNode[];
  }

  /** Waits until `check` returns a truthy value, polling; fails with `what` and the log tail. */
  async waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = check();
      if (value) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}\nNode-RED log:\n${this.logs.slice(-40).join('\n')}`);
  }

  async stop(): Promise<void> {
    this.socket?.close();
    await this.process.stop();
    rmSync(this.userDir, { recursive: true, force: true });
  }
}
