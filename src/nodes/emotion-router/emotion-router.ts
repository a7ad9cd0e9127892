import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { EmotionPrediction } from '../../core/messages';
import { EmotionRouter, RouterEvent } from '../../core/routing';
import { EmotionRouterNodeConfig, routerConfigFromNode } from './node-config';

interface RouterMessage extends NodeMessageInFlow {
  streamId?: unknown;
  reset?: unknown;
}

const MAX_SWEEP_INTERVAL_MS = 10_000;

function statusFor(event: RouterEvent, streams: number): NodeStatus {
  const { emotion, confidence, streamId } = event.payload;
  const text = `${streamId}: ${emotion} ${confidence.toFixed(2)} · ${streams} stream${streams === 1 ? '' : 's'}`;
  return emotion === 'uncertain' ? { fill: 'yellow', shape: 'ring', text } : { fill: 'green', shape: 'dot', text };
}

export = function register(RED: NodeAPI): void {
  function EmotionRouterNode(this: Node, config: NodeDef & EmotionRouterNodeConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    let router: EmotionRouter | undefined;
    let configError: Error | undefined;
    try {
      router = new EmotionRouter(routerConfigFromNode(config));
    } catch (err) {
      configError = err instanceof Error ? err : new Error(String(err));
      node.error(`invalid configuration: ${configError.message}`);
      node.status({ fill: 'red', shape: 'ring', text: 'invalid configuration' });
    }
    let sweep: NodeJS.Timeout | undefined;
    if (router) {
      const active = router;
      sweep = setInterval(() => active.expireIdle(), Math.min(active.config.idleTimeoutMs, MAX_SWEEP_INTERVAL_MS));
      sweep.unref();
      node.status({ fill: 'grey', shape: 'ring', text: 'waiting for predictions' });
    }

    node.on('input', (raw: NodeMessageInFlow, send: (msgs: Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
      const msg = raw as RouterMessage;
      if (!router) {
        done(new Error(`emotion-router is not configured: ${configError?.message}`));
        return;
      }
      try {
        if (msg.reset !== undefined && msg.reset !== false) {
          if (typeof msg.streamId === 'string') router.forget(msg.streamId);
          else router.clear();
          node.status({ fill: 'grey', shape: 'ring', text: `reset · ${router.streamCount} streams` });
          done();
          return;
        }
        const prediction = msg.payload as EmotionPrediction;
        const streamId = msg.streamId ?? (prediction as Partial<EmotionPrediction> | null)?.streamId;
        router.expireIdle();
        const events = router.route(prediction, streamId);
        const outputs: Array<NodeMessage | null> = router.outputNames.map(() => null);
        for (const event of events) {
          outputs[event.port] = { ...msg, streamId: event.payload.streamId, payload: event.payload, prediction };
        }
        const stateEvent = events.find((e) => e.output !== 'changed') ?? events[0];
        if (stateEvent && (stateEvent.payload.changed || router.streamCount === 1)) {
          node.status(statusFor(stateEvent, router.streamCount));
        }
        if (events.length > 0) send(outputs);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'dot', text: err instanceof Error ? err.message.slice(0, 60) : 'error' });
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      if (sweep) clearInterval(sweep);
      router?.clear();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('emotion-router', EmotionRouterNode);
};
