import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from 'node-red';
import { FeatureWindow } from '../../core/features/feature-window-stream';
import { FeatureWindowPool } from '../../core/features/feature-window-pool';
import { FeatureWindowPayload } from '../../core/messages';
import { type FeatureWindowNodeConfig, resolveFeatureWindowConfig } from '../../core/config/feature-window-config';
import { resetTargetOf } from '../../core/reset-message';
import { startIdleSweep } from '../node-conventions/idle-sweep';
import { refuseInvalidConfig } from '../node-conventions/invalid-config';
import { RefusedStreamsWarning } from '../node-conventions/refused-streams-warning';
import { StatusThrottle } from '../node-conventions/status-throttle';
import { type FeatureWindowInputMessage, readWindowInput } from './window-input';

type FeatureWindowDef = NodeDef & FeatureWindowNodeConfig;

function toMessage(w: FeatureWindow, topic: unknown, droppedSeconds: number | undefined): NodeMessage {
  const payload: FeatureWindowPayload & Partial<FeatureWindow> = { ...w, ...(droppedSeconds ? { droppedSeconds } : {}) };
  return { payload, streamId: w.streamId, ...(topic !== undefined ? { topic } : {}) } as NodeMessage;
}

export = function register(RED: NodeAPI): void {
  function FeatureWindowNode(this: Node, config: FeatureWindowDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveFeatureWindowConfig(config);
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const settings = resolved.config;
    const streams = new FeatureWindowPool(settings.window, settings.limits, {
      ...settings.pool,
      onThreadError: (err) => node.error(err),
      // Dropped seconds go on the first window sent, not on an unvoiced one that is not.
      windowSent: (w) => w.voiced || settings.sendUnvoiced,
    });
    const sweep = startIdleSweep(() => streams.sweep(), settings.limits.idleSeconds * 1000);
    const refusedWarning = new RefusedStreamsWarning(node, settings.limits.maxStreams, streams.refusals);
    const status = new StatusThrottle(node);
    status.now({ fill: 'grey', shape: 'ring', text: `${settings.window.profile}, waiting for audio` });
    let lastSpeechRatio: number | undefined;
    let lastVoiced = false;
    let sent = 0;

    const makeStatus = (): NodeStatus => {
      const speech = lastSpeechRatio === undefined ? '' : `, last speech ${Math.round(lastSpeechRatio * 100)}%`;
      const dropping = streams.droppingStreams;
      const refusing = refusedWarning.text();
      const shed = streams.shedStreams > 0 ? `, ${streams.shedStreams} shed` : '';
      const droppedAudio =
        streams.droppedSeconds > 0 ? `${shed}, ${dropping} dropping, ${streams.droppedSeconds.toFixed(1)} s dropped` : '';
      return {
        fill: dropping > 0 || refusing ? 'yellow' : lastVoiced ? 'green' : 'grey',
        shape: lastVoiced || dropping > 0 || refusing ? 'dot' : 'ring',
        text: `${streams.size} stream${streams.size === 1 ? '' : 's'}${refusing}${streams.dropped ? `, ${streams.dropped} dropped` : ''}${droppedAudio}, ${sent} windows${speech}`,
      };
    };
    const showStatus = () => status.set(makeStatus);
    const fail = (done: (err?: Error) => void, err: unknown) => {
      status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 60) });
      done(err as Error);
    };

    node.on('input', (msg, send, done) => {
      const input = msg as NodeMessage & FeatureWindowInputMessage;
      let pending: Promise<void>;
      try {
        const reset = resetTargetOf(input);
        if (reset) {
          pending = streams.reset(reset === 'all' ? undefined : reset.streamId).then(showStatus);
        } else {
          const audio = readWindowInput(input);
          // Samples made here (decoded from a Buffer) may move to a worker thread; the flow's own array is copied.
          const owned = !ArrayBuffer.isView(input.payload) || input.payload.buffer !== audio.samples.buffer;
          pending = streams.push(audio.streamId, audio.samples, audio.timestamp, audio.final, owned).then((result) => {
            if (result.refused) refusedWarning.warn(audio.streamId);
            const out: NodeMessage[] = [];
            for (const w of result.windows) {
              lastSpeechRatio = w.speechRatio;
              lastVoiced = w.voiced;
              if (w.voiced || settings.sendUnvoiced)
                out.push(toMessage(w, input.topic, out.length === 0 ? result.droppedSeconds : undefined));
            }
            sent += out.length;
            if (out.length === 1) send(out[0]);
            else if (out.length > 1) send([out]);
            showStatus();
          });
        }
      } catch (err) {
        return fail(done, err);
      }
      pending.then(
        () => done(),
        (err: unknown) => fail(done, err),
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      sweep.stop();
      status.dispose();
      node.status({});
      // Chunks still with the threads are dropped quietly; the threads end well within Node-RED's 15 s.
      streams.dispose().then(
        () => done(),
        () => done(),
      );
    });
  }
  RED.nodes.registerType('feature-window', FeatureWindowNode);
};
