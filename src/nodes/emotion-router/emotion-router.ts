import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { type EmotionRouterNodeConfig, resolveEmotionRouterConfig } from '../../core/config/emotion-router-config';
import { EmotionPrediction } from '../../core/messages';
import { resetTargetOf } from '../../core/reset-message';
import { EmotionRouter, RouterEvent } from '../../core/routing';
import { explicitStreamIdOf } from '../../core/stream-id';
import { StreamRefusedError } from '../../core/stream-refused-error';
import { RefusedStreamsWarning } from '../node-conventions/refused-streams-warning';
import { startIdleSweep } from '../node-conventions/idle-sweep';
import { refuseInvalidConfig } from '../node-conventions/invalid-config';
import { StatusThrottle } from '../node-conventions/status-throttle';

interface RouterMessage extends NodeMessageInFlow {
  streamId?: unknown;
  reset?: unknown;
}

function statusFor(event: RouterEvent, streams: number, refusing: string): NodeStatus {
  const { emotion, confidence, streamId } = event.payload;
  const text = `${streamId}: ${emotion} ${confidence.toFixed(2)} · ${streams} stream${streams === 1 ? '' : 's'}${refusing}`;
  return emotion === 'uncertain' ? { fill: 'yellow', shape: 'ring', text } : { fill: 'green', shape: 'dot', text };
}

export = function register(RED: NodeAPI): void {
  function EmotionRouterNode(this: Node, config: NodeDef & EmotionRouterNodeConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveEmotionRouterConfig(config);
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const router = new EmotionRouter(resolved.config);
    const sweep = startIdleSweep(() => router.expireIdle(), router.config.idleTimeoutMs);
    const status = new StatusThrottle(node);
    status.now({ fill: 'grey', shape: 'ring', text: 'waiting for predictions' });
    const refused = new RefusedStreamsWarning(node, router.config.maxStreams);

    node.on('input', (raw: NodeMessageInFlow, send: (msgs: Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
      const msg = raw as RouterMessage;
      try {
        const reset = resetTargetOf(msg);
        if (reset) {
          if (reset === 'all') router.clear();
          else router.forget(reset.streamId);
          status.now({ fill: 'grey', shape: 'ring', text: `reset · ${router.streamCount} streams` });
          done();
          return;
        }
        const prediction = msg.payload as EmotionPrediction;
        // A prediction's own streamId is part of its shape (a string); a number there is a malformed prediction.
        const ownId = (prediction as Partial<EmotionPrediction> | null)?.streamId;
        if (ownId !== undefined && typeof ownId !== 'string')
          throw new TypeError(`prediction.streamId must be a string, got ${typeof ownId}`);
        // Undefined when the message names no stream: the router then refuses it with its own error.
        const streamId = explicitStreamIdOf(msg);
        const events = router.route(prediction, streamId);
        const outputs: Array<NodeMessage | null> = router.outputNames.map(() => null);
        for (const event of events) {
          outputs[event.port] = { ...msg, streamId: event.payload.streamId, payload: event.payload, prediction };
        }
        const stateEvent = events.find((e) => e.output !== 'changed') ?? events[0];
        if (stateEvent && (stateEvent.payload.changed || router.streamCount === 1)) {
          status.set(() => statusFor(stateEvent, router.streamCount, refused.text()));
        }
        if (events.length > 0) send(outputs);
        done();
      } catch (err) {
        if (err instanceof StreamRefusedError) {
          refused.refused(err.streamId);
          status.set(() => ({
            fill: 'yellow',
            shape: 'dot',
            text: `${router.streamCount} stream${router.streamCount === 1 ? '' : 's'}${refused.text()}`,
          }));
          return done();
        }
        status.now({ fill: 'red', shape: 'ring', text: err instanceof Error ? err.message.slice(0, 60) : 'error' });
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      sweep.stop();
      status.dispose();
      router.clear();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('emotion-router', EmotionRouterNode);
};
