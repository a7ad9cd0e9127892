import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { initBackend } from '../../core/model/backend';
import type { EmotionModel } from '../../core/model/emotion-model';
import { EmotionStreamClassifier, classifierInputOf } from '../../core/model/emotion-stream-classifier';
import { acquireModel, type ModelLease } from '../../core/model/shared-models';
import type { MtADnnModelConfigNode } from '../mt-a-dnn-model/model-config-node';

interface InferMessage extends NodeMessageInFlow {
  streamId?: unknown;
  reset?: unknown;
}

interface InferNodeConfig extends NodeDef {
  /** id of an mt-a-dnn-model config node; empty = the shipped default model */
  model?: string;
  /** what to do with windows marked voiced: false */
  unvoiced?: 'drop' | 'pass' | 'infer';
  attention?: boolean;
  maxBatch?: number | string;
  maxWait?: number | string;
  maxStreams?: number | string;
  idleTimeout?: number | string;
}

function positive(value: unknown, fallback: number, what: string, min = 0): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`${what} must be a number >= ${min} (got ${String(value)})`);
  return n;
}

const STATUS_INTERVAL_MS = 250;

export = function register(RED: NodeAPI): void {
  function MtADnnInferNode(this: Node, config: InferNodeConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const unvoiced = config.unvoiced ?? 'drop';
    let settingsError: Error | undefined;
    let settings = { maxBatch: 64, maxWaitMs: 0, maxStreams: 1000, idleMs: 300_000 };
    try {
      settings = {
        maxBatch: Math.floor(positive(config.maxBatch, 64, 'max. batch', 1)),
        maxWaitMs: positive(config.maxWait, 0, 'max. wait (ms)'),
        maxStreams: Math.floor(positive(config.maxStreams, 1000, 'max. streams', 1)),
        idleMs: 1000 * positive(config.idleTimeout, 300, 'idle timeout (s)', 0.001),
      };
    } catch (err) {
      settingsError = err as Error;
    }

    const configNode = config.model ? (RED.nodes.getNode(config.model) as Partial<MtADnnModelConfigNode> | null) : undefined;
    // Without a config node the node borrows the shared default model itself.
    const ownLease: ModelLease | undefined = configNode?.lease ? undefined : acquireModel('');
    const lease = configNode?.lease ?? ownLease!;
    let classifier: EmotionStreamClassifier | undefined;
    let failure: Error | undefined = settingsError;
    let closed = false;
    let lastStatusAt = 0;

    node.status({ fill: 'yellow', shape: 'ring', text: 'loading' });
    initBackend()
      .then((backend) => {
        if (!closed && !classifier && !failure) node.status({ fill: 'yellow', shape: 'ring', text: `loading (${backend})` });
      })
      .catch(() => undefined);
    const ready: Promise<EmotionStreamClassifier> = lease.model.then((model: EmotionModel) => {
      if (settingsError) throw settingsError;
      if (closed) throw new Error('node closed');
      classifier = new EmotionStreamClassifier(model, { ...settings, attention: !!config.attention });
      node.status({ fill: 'grey', shape: 'dot', text: `ready: ${model.featureProfile} profile, ${model.vectorLength} values` });
      return classifier;
    });
    ready.catch((err: Error) => {
      if (closed) return;
      failure = failure ?? new Error(`model could not be loaded from ${lease.dir}: ${err.message}`);
      node.status({ fill: 'red', shape: 'dot', text: 'model not loaded' });
      node.error(failure.message);
    });
    const sweep = setInterval(() => classifier?.expireIdle(), Math.min(settings.idleMs, 60_000));
    sweep.unref();

    node.on('input', (raw: NodeMessageInFlow, send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      const msg = raw as InferMessage;
      if (msg.reset !== undefined && msg.reset !== false) {
        classifier?.reset(typeof msg.streamId === 'string' ? msg.streamId : undefined);
        done();
        return;
      }
      let input;
      try {
        input = classifierInputOf(msg.payload, msg.streamId);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (!input.voiced && unvoiced !== 'infer') {
        if (unvoiced === 'pass') send(msg);
        done();
        return;
      }
      const current = input;
      ready
        .then((c) => c.classify(current))
        .then((prediction) => {
          // A redeploy closed the node while this window was in flight: its flow is gone, drop it quietly.
          if (closed) return done();
          send({ ...msg, streamId: prediction.streamId, payload: prediction });
          const now = Date.now();
          if (now - lastStatusAt >= STATUS_INTERVAL_MS) {
            lastStatusAt = now;
            node.status({ fill: 'green', shape: 'dot', text: `${prediction.emotion} ${prediction.confidence.toFixed(2)}` });
          }
          done();
        })
        .catch((err: Error) => (closed ? done() : done(failure && err !== failure ? failure : err)));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      clearInterval(sweep);
      classifier?.close();
      ownLease?.release();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('mt-a-dnn-infer', MtADnnInferNode);
};
