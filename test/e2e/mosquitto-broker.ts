// A real mosquitto broker on a free local port, for the MQTT examples.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class MosquittoBroker {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(): Promise<MosquittoBroker> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-mqtt-'));
    const config = join(dir, 'mosquitto.conf');
    const log = process.env.MOSQUITTO_LOG ? `log_dest file ${process.env.MOSQUITTO_LOG}\nlog_type all\n` : '';
    writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${log}`);
    const child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    const broker = new MosquittoBroker(port, child, dir);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
      if (await canConnect(port)) return broker;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await broker.stop();
    throw new Error('mosquitto did not start listening');
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
