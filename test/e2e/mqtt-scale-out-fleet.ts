// An MQTT scale-out on this machine: examples 05 (edge) and 06 (worker) as shipped, in real Node-RED
// processes on one mosquitto, with many streams of real speech at the edge. Shared by the e2e test and
// scripts/bench-mqtt-scale-out.ts. Instrumentation only adds: a reference branch at the edge (the same
// windows classified in the edge process itself), and the worker's client id in each result.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { type FlowNode, NodeRedInstance } from './node-red-instance';
import { loadExample, withBroker } from './example-flows';
import { manifest, clip16k } from '../helpers/corpus';
import { sox } from '../helpers/sox';
// @ts-expect-error plain ES module shared with scripts/start-demo.mjs
import { prepareUserDir } from '../../demo/runtime/user-dir.mjs';
// @ts-expect-error plain ES module shared with demo/make-examples.mjs
import { audioSourceNode, inferNode } from '../../demo/pipeline-nodes.mjs';

export const PREFIX = 'speech-emotion';
export const REFERENCE_PREFIX = 'reference';

/** `count` WAV files of real speech, each `clipsPerStream` consecutive RAVDESS clips joined by sox. */
export function speechStreams(count: number, clipsPerStream: number): string[] {
  const rows = manifest();
  const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-streams-'));
  return Array.from({ length: count }, (_, i) => {
    const file = join(dir, `stream-${i}.wav`);
    const clips = Array.from({ length: clipsPerStream }, (_, k) => clip16k(rows[(i * clipsPerStream + k) % rows.length].path));
    sox([...clips, file]);
    return file;
  });
}

/** Example 05 with one audio-source per file (stream `mic-<i>`), plus the reference branch publishing to reference/<stream>. */
export function edgeFlow(files: string[], brokerPort: number, realtime: boolean): FlowNode[] {
  const example = withBroker(loadExample('05'), brokerPort).filter((n) => n.type !== 'audio-source');
  const features = example.find((n) => n.type === 'feature-window')!;
  const z = features.z as string;
  const sources = files.map((path, i) =>
    audioSourceNode({
      id: `edge-audio-${i}`,
      z,
      mode: 'file',
      streamId: `mic-${i}`,
      path,
      pathType: 'str',
      realtime,
      loop: false,
      autostart: true,
      x: 100,
      y: 300 + 40 * i,
      wires: [[features.id]],
    }),
  );
  const publish = example.find((n) => n.type === 'mqtt out')!;
  const reference: FlowNode[] = [
    inferNode({ id: 'edge-reference-infer', z, x: 300, y: 260, wires: [['edge-reference-topic']] }),
    {
      id: 'edge-reference-topic',
      type: 'change',
      z,
      rules: [{ t: 'set', p: 'topic', pt: 'msg', to: `"${REFERENCE_PREFIX}/" & payload.streamId`, tot: 'jsonata' }],
      x: 500,
      y: 260,
      wires: [['edge-reference-publish']],
    },
    { ...publish, id: 'edge-reference-publish', x: 700, y: 260 },
  ];
  return [
    // Lag budget off: this fleet tests delivery over MQTT, and on a loaded machine shedding would leave too few windows.
    ...example.map((n) =>
      n.id === features.id ? { ...n, lagBudget: 0, wires: [[...(n.wires as string[][])[0], 'edge-reference-infer']] } : n,
    ),
    ...sources,
    ...reference,
  ];
}

/** Example 06; each result also names the worker (its MQTT client id) that produced it. */
export function workerFlow(brokerPort: number): FlowNode[] {
  return withBroker(loadExample('06'), brokerPort).map((n) =>
    n.type === 'function' ? { ...n, func: `msg.payload.worker = env.get('WORKER_CLIENT_ID');\n${n.func as string}` } : n,
  );
}

/** A worker Node-RED process on its own user directory, with a stable MQTT client id (restart() keeps both). */
export class Worker {
  private constructor(
    readonly clientId: string,
    readonly userDir: string,
    public red: NodeRedInstance,
  ) {}

  static async start(clientId: string, brokerPort: number): Promise<Worker> {
    const userDir = mkdtempSync(join(tmpdir(), `speech-emotion-${clientId}-`));
    prepareUserDir({ userDir, port: 0, flows: workerFlow(brokerPort), replaceFlows: true, withDashboard: false });
    const red = await NodeRedInstance.startIn({ userDir, env: { WORKER_CLIENT_ID: clientId } });
    return new Worker(clientId, userDir, red);
  }

  /** Waits until its worker subscription is up (the mqtt in node shows connected). */
  async connected(): Promise<void> {
    await this.red.waitFor(
      () => this.red.statuses.some((s) => /connected/.test(s.text ?? '') && !/dis/.test(s.text ?? '')),
      'worker connected',
    );
  }

  kill(): void {
    process.kill(this.red.pid, 'SIGKILL');
  }

  /** Starts the worker again on the same user directory (flows, client id): the broker hands it its session's windows. */
  async restart(): Promise<void> {
    this.red = await NodeRedInstance.startIn({ userDir: this.userDir, env: { WORKER_CLIENT_ID: this.clientId } });
  }

  stop(): Promise<void> {
    return this.red.stop();
  }
}

export interface Received {
  topic: string;
  payload: Record<string, unknown> & { streamId: string; seq: number };
  bytes: number;
  at: number;
}

/** Every window, result and reference prediction on the broker, as a client of its own sees them. */
export class TopicRecorder {
  readonly windows: Received[] = [];
  readonly results: Received[] = [];
  readonly references: Received[] = [];

  private constructor(private readonly client: mqtt.MqttClient) {}

  static async start(url: string): Promise<TopicRecorder> {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5 });
    const recorder = new TopicRecorder(client);
    client.on('message', (topic, payload) => {
      const list = topic.startsWith(`${PREFIX}/windows/`)
        ? recorder.windows
        : topic.startsWith(`${PREFIX}/emotion/`)
          ? recorder.results
          : recorder.references;
      list.push({ topic, payload: JSON.parse(payload.toString()), bytes: payload.length, at: performance.now() });
    });
    await client.subscribeAsync([`${PREFIX}/windows/#`, `${PREFIX}/emotion/#`, `${REFERENCE_PREFIX}/#`], { qos: 1 });
    return recorder;
  }

  end(): Promise<void> {
    return this.client.endAsync();
  }
}

export const windowKey = (p: { streamId: string; seq: number }): string => `${p.streamId}#${p.seq}`;
