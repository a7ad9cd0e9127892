import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { type MtADnnInferNodeConfig, resolveMtADnnInferConfig } from '../../core/config/mt-a-dnn-infer-config';
import { initBackend } from '../../core/model/backend';
import type { EmotionModel } from '../../core/model/emotion-model';
import { EmotionStreamClassifier, classifierInputOf } from '../../core/model/emotion-stream-classifier';
import { normalisedWindowOf } from '../../core/model/normalised-window';
import { acquireModel, type ModelLease } from '../../core/model/shared-models';
import { resetTargetOf } from '../../core/reset-message';
import { streamIdOf } from '../../core/stream-id';
import type { MtADnnModelConfigNode } from '../mt-a-dnn-model/model-config-node';
import { startIdleSweep } from '../node-conventions/idle-sweep';
import { refuseInvalidConfig } from '../node-conventions/invalid-config';
import { StatusThrottle } from '../node-conventions/status-throttle';

interface InferMessage extends NodeMessageInFlow {
  streamId?: unknown;
  reset?: unknown;
}

export = function register(RED: NodeAPI): void {
  function MtADnnInferNode(this: Node, config: NodeDef & MtADnnInferNodeConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveMtADnnInferConfig(config);
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const settings = resolved.config;

    const configNode = config.model ? (RED.nodes.getNode(config.model) as Partial<MtADnnModelConfigNode> | null) : undefined;
    // Without a config node the node borrows the shared default model itself.
    const ownLease: ModelLease | undefined = configNode?.lease ? undefined : acquireModel('');
    const lease = configNode?.lease ?? ownLease!;
    const status = new StatusThrottle(node);
    let classifier: EmotionStreamClassifier | undefined;
    let failure: Error | undefined;
    let closed = false;
    let predictionShown = false;

    status.now({ fill: 'yellow', shape: 'ring', text: 'loading' });
    initBackend()
      .then((backend) => {
        if (!closed && !classifier && !failure) status.now({ fill: 'yellow', shape: 'ring', text: `loading (${backend})` });
      })
      .catch(() => undefined);
    const ready: Promise<EmotionStreamClassifier> = lease.model.then((model: EmotionModel) => {
      if (closed) throw new Error('node closed');
      classifier = new EmotionStreamClassifier(model, settings);
      status.now({ fill: 'grey', shape: 'dot', text: `ready: ${model.featureProfile} profile, ${model.vectorLength} values` });
      return classifier;
    });
    ready.catch((err: Error) => {
      if (closed) return;
      failure = new Error(`model could not be loaded from ${lease.dir}: ${err.message}`);
      status.now({ fill: 'red', shape: 'dot', text: 'model not loaded' });
      node.error(failure.message);
    });
    const sweep = startIdleSweep(() => classifier?.expireIdle(), settings.idleMs);

    node.on('input', (raw: NodeMessageInFlow, send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      const msg = raw as InferMessage;
      let input;
      try {
        const reset = resetTargetOf(msg);
        if (reset) {
          classifier?.reset(reset === 'all' ? undefined : reset.streamId);
          done();
          return;
        }
        const streamId = streamIdOf(msg, 'default');
        input = { ...classifierInputOf(msg.payload, streamId), streamId };
      } catch (err) {
        done(err as Error);
        return;
      }
      if (!input.voiced && settings.unvoiced !== 'infer') {
        if (settings.unvoiced === 'pass') send(msg);
        done();
        return;
      }
      const current = input;
      if (settings.output === 'normalised-window') {
        ready
          .then((c) => {
            if (closed) return done();
            send({ ...msg, payload: normalisedWindowOf(msg.payload, current, c.normalise(current)) });
            status.set({ fill: 'blue', shape: 'dot', text: `normalised ${c.streamCount} stream${c.streamCount === 1 ? '' : 's'}` });
            done();
          })
          .catch((err: Error) => (closed ? done() : done(failure && err !== failure ? failure : err)));
        return;
      }
      ready
        .then((c) => c.classify(current))
        .then((prediction) => {
          // A redeploy closed the node while this window was in flight: its flow is gone, drop it quietly.
          if (closed) return done();
          send({ ...msg, streamId: prediction.streamId, payload: prediction });
          // The first prediction after "ready" shows at once; later ones at most every 500 ms.
          const shown = { fill: 'green', shape: 'dot', text: `${prediction.emotion} ${prediction.confidence.toFixed(2)}` } as const;
          if (predictionShown) status.set(shown);
          else status.now(shown);
          predictionShown = true;
          done();
        })
        .catch((err: Error) => (closed ? done() : done(failure && err !== failure ? failure : err)));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      sweep.stop();
      status.dispose();
      classifier?.close();
      ownLease?.release();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('mt-a-dnn-infer', MtADnnInferNode);
};
