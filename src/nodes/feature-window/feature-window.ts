import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { FeatureWindow } from '../../core/features/feature-window-stream';
import { FeatureWindowRegistry } from '../../core/features/feature-window-registry';
import { FeatureWindowPayload } from '../../core/messages';
import { StatusThrottle } from '../shared/status-throttle';
import { FeatureWindowNodeConfig, FeatureWindowSettings, settingsFromConfig } from './feature-window-config';
import { FeatureWindowInputMessage, isResetMessage, readWindowInput, streamIdOf } from './window-input';

type FeatureWindowDef = NodeDef & FeatureWindowNodeConfig;

function toMessage(w: FeatureWindow, topic: unknown): NodeMessage {
  const payload: FeatureWindowPayload & Partial<FeatureWindow> = { ...w };
  return { payload, streamId: w.streamId, ...(topic !== undefined ? { topic } : {}) } as NodeMessage;
}

export = function register(RED: NodeAPI): void {
  function FeatureWindowNode(this: Node, config: FeatureWindowDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    let settings: FeatureWindowSettings;
    try {
      settings = settingsFromConfig(config);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: `invalid configuration: ${(err as Error).message}` });
      node.error(`invalid configuration: ${(err as Error).message}`);
      node.on('input', (_msg, _send, done) => done(new Error(`invalid configuration: ${(err as Error).message}`)));
      return;
    }
    const streams = new FeatureWindowRegistry(settings.window, settings.limits);
    const status = new StatusThrottle(node, 500);
    status.now({ fill: 'grey', shape: 'ring', text: `${settings.window.profile}, waiting for audio` });
    let lastSpeechRatio: number | undefined;
    let lastVoiced = false;
    let sent = 0;

    const showStatus = () => {
      const speech = lastSpeechRatio === undefined ? '' : `, last speech ${Math.round(lastSpeechRatio * 100)}%`;
      status.set({
        fill: lastVoiced ? 'green' : 'grey',
        shape: lastVoiced ? 'dot' : 'ring',
        text: `${streams.size} stream${streams.size === 1 ? '' : 's'}, ${sent} windows${speech}`,
      });
    };

    node.on('input', (msg, send, done) => {
      const input = msg as NodeMessage & FeatureWindowInputMessage;
      try {
        if (isResetMessage(input)) {
          const meta = (input.audio && typeof input.audio === 'object' ? input.audio : {}) as Record<string, unknown>;
          const hasId = input.streamId !== undefined || meta.streamId !== undefined;
          streams.reset(hasId ? streamIdOf(input, meta) : undefined);
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
      streams.dispose();
      status.dispose();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('feature-window', FeatureWindowNode);
};
