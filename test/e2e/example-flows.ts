// The example flows of a package folder (this project, or an installed copy), and the instrumentation
// the example tests put around them: a test broker, a tap on a node's output, an MQTT watcher.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { type FlowNode, ROOT } from './node-red-instance';

export const EMOTIONS = ['anger', 'happiness', 'neutral', 'sadness'];
export const NODE_TYPES = ['audio-source', 'feature-window', 'mt-a-dnn-model', 'mt-a-dnn-infer', 'emotion-router'];

export function loadExample(prefix: string, packageDir: string = ROOT): FlowNode[] {
  const file = readdirSync(join(packageDir, 'examples')).find((f) => f.startsWith(prefix) && f.endsWith('.json'));
  assert.ok(file, `examples/${prefix}*.json`);
  return JSON.parse(readFileSync(join(packageDir, 'examples', file), 'utf8')) as FlowNode[];
}

export function withBroker(flow: FlowNode[], port: number): FlowNode[] {
  return flow.map((n) => (n.type === 'mqtt-broker' ? { ...n, broker: '127.0.0.1', port: String(port) } : n));
}

/** Observes an extra output of a node in the example with a debug node (instrumentation only). */
export function tap(flow: FlowNode[], sourceId: string, port = 0): FlowNode[] {
  const source = flow.find((n) => n.id === sourceId)!;
  const tapId = `tap-${sourceId}`;
  const wires = (source.wires as string[][]).map((w, i) => (i === port ? [...w, tapId] : w));
  return [
    ...flow.map((n) => (n.id === sourceId ? { ...n, wires } : n)),
    {
      id: tapId,
      type: 'debug',
      z: source.z,
      name: tapId,
      active: true,
      tosidebar: true,
      console: false,
      complete: 'true',
      targetType: 'full',
      x: 0,
      y: 0,
      wires: [],
    },
  ];
}

export interface MqttWatcher {
  messages: Array<{ topic: string; payload: string; retain: boolean }>;
  end(): Promise<void>;
}

export function collectMqtt(url: string, topics: string[]): Promise<MqttWatcher> {
  const client = mqtt.connect(url);
  const messages: MqttWatcher['messages'] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('connect', () => {
      client.subscribe(topics, (err) => {
        if (err) reject(err);
        else resolve({ messages, end: () => client.endAsync() });
      });
    });
  });
}
