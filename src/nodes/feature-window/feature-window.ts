import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { FeatureWindow } from '../../core/features/feature-window-stream';
import { FeatureWindowRegistry } from '../../core/features/feature-window-registry';
import { FeatureWindowPayload } from '../../core/messages';
import { type FeatureWindowNodeConfig, resolveFeatureWindowConfig } from '../../core/config/feature-window-config';
import { resetTargetOf } from '../../core/reset-message';
import { startIdleSweep } from '../node-conventions/idle-sweep';
import { refuseInvalidConfig } from '../node-conventions/invalid-config';
import { StatusThrottle } from '../node-conventions/status-throttle';
import { type FeatureWindowInputMessage, readWindowInput } from './window-input';

type FeatureWindowDef = NodeDef & FeatureWindowNodeConfig;

function toMessage(w: FeatureWindow, topic: unknown): NodeMessage {
  const payload: FeatureWindowPayload & Partial<FeatureWindow> = { ...w };
  return { payload, streamId: w.streamId, ...(topic !== undefined ? { topic } : {}) } as NodeMessage;
}

export = function register(RED: NodeAPI): void {
  function FeatureWindowNode(this: Node, config: FeatureWindowDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveFeatureWindowConfig(config);
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const settings = resolved.config;
    const streams = new FeatureWindowRegistry(settings.window, settings.limits);
    const sweep = startIdleSweep(() => streams.sweep(), settings.limits.idleSeconds * 1000);
    const status = new StatusThrottle(node);
    status.now({ fill: 'grey', shape: 'ring', text: `${settings.window.profile}, waiting for audio` });
    let lastSpeechRatio: number | undefined;
    let lastVoiced = false;
    let sent = 0;

    const showStatus = () => {
      const speech = lastSpeechRatio === undefined ? '' : `, last speech ${Math.round(lastSpeechRatio * 100)}%`;
      status.set({
        fill: lastVoiced ? 'green' : 'grey',
        shape: lastVoiced ? 'dot' : 'ring',
        text: `${streams.size} stream${streams.size === 1 ? '' : 's'}${streams.dropped ? `, ${streams.dropped} dropped` : ''}, ${sent} windows${speech}`,
      });
    };

    node.on('input', (msg, send, done) => {
      const input = msg as NodeMessage & FeatureWindowInputMessage;
      try {
        const reset = resetTargetOf(input);
        if (reset) {
          streams.reset(reset === 'all' ? undefined : reset.streamId);
          showStatus();
          done();
          return;
        }
        const audio = readWindowInput(input);
        const windows = streams.push(audio.streamId, audio.samples, audio.timestamp, audio.final);
        const out: NodeMessage[] = [];
        for (const w of windows) {
          lastSpeechRatio = w.speechRatio;
          lastVoiced = w.voiced;
          if (w.voiced || settings.sendUnvoiced) out.push(toMessage(w, input.topic));
        }
        sent += out.length;
        if (out.length === 1) send(out[0]);
        else if (out.length > 1) send([out]);
        showStatus();
        done();
      } catch (err) {
        status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 60) });
        done(err as Error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      sweep.stop();
      streams.dispose();
      status.dispose();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('feature-window', FeatureWindowNode);
};
