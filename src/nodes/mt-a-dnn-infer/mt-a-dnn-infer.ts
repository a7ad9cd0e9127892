import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { type MtADnnInferNodeConfig, resolveMtADnnInferConfig } from '../../core/config/mt-a-dnn-infer-config';
import { initBackend } from '../../core/model/backend';
import type { EmotionModel } from '../../core/model/emotion-model';
import { EmotionStreamClassifier, classifierInputOf } from '../../core/model/emotion-stream-classifier';
import { normalisedWindowOf } from '../../core/model/normalised-window';
import { acquireModel, type ModelLease } from '../../core/model/shared-models';
import { resetTargetOf } from '../../core/reset-message';
import { UnansweredWindows, isPredictionPayload, windowKeyOf } from '../../core/scale-out/unanswered-windows';
import { streamIdOf } from '../../core/stream-id';
import { StreamStateMap } from '../../core/stream-state-map';
import { StreamRefusedError } from '../../core/stream-refused-error';
import { RefusedStreamsWarning } from '../node-conventions/refused-streams-warning';
import { WindowDroppedError } from '../../core/model/window-dropped-error';
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
      status.now({
        fill: 'grey',
        shape: 'dot',
        text: `ready: ${model.featureProfile} profile, ${model.vectorLength} values${model.members.length > 1 ? `, ${model.members.length} nets` : ''}`,
      });
      return classifier;
    });
    ready.catch((err: Error) => {
      if (closed) return;
      failure = new Error(`model could not be loaded from ${lease.dir}: ${err.message}`);
      status.now({ fill: 'red', shape: 'dot', text: 'model not loaded' });
      node.error(failure.message);
    });
    // Windows dropped for the queue bound, per stream, until that stream's next message carries the count.
    const droppedSince = new StreamStateMap<{ count: number }>({ maxStreams: settings.maxStreams, idleMs: settings.idleMs });
    let droppedTotal = 0;
    // Streams refused while every place (Max streams) held an active stream's calibration.
    const refused = new RefusedStreamsWarning(node, settings.maxStreams);
    const refuse = (err: StreamRefusedError, done: () => void) => {
      refused.refused(err.streamId);
      status.set(() => ({
        fill: 'yellow',
        shape: 'dot',
        text: `${classifier?.streamCount ?? 0} stream${classifier?.streamCount === 1 ? '' : 's'}${refused.text()}${droppedText()}`,
      }));
      done();
    };
    // Windows that arrived while the model loads count against the same bound as the batcher's queue.
    const beforeReady: Array<{ dropped: boolean }> = [];
    const sweep = startIdleSweep(() => {
      classifier?.expireIdle();
      droppedSince.sweep();
    }, settings.idleMs);
    const droppedText = () => (droppedTotal ? `, ${droppedTotal} dropped` : '');

    // An MQTT edge keeps the windows it sent until their result comes back, and sends them again after a while.
    const resending = settings.output === 'normalised-window' && settings.resendAfterMs > 0;
    const unanswered = new UnansweredWindows<NodeMessage>({ resendAfterMs: settings.resendAfterMs, maxKept: settings.maxUnanswered });
    const showNormalised = (): void => {
      const streams = `normalised ${classifier?.streamCount ?? 0} stream${classifier?.streamCount === 1 ? '' : 's'}`;
      const waiting = resending
        ? `, ${unanswered.size} awaiting a result, ${unanswered.resent} re-sent, ${unanswered.dropped} dropped`
        : '';
      status.set({ fill: unanswered.dropped > 0 ? 'yellow' : 'blue', shape: 'dot', text: streams + waiting });
    };
    const resendTimer = resending
      ? setInterval(
          () => {
            const due = unanswered.due(Date.now());
            for (const msg of due) node.send(RED.util.cloneMessage(msg));
            if (due.length) showNormalised();
          },
          Math.min(1000, Math.max(50, settings.resendAfterMs / 4)),
        )
      : undefined;

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
        // An edge's workers' results come back here so that their windows stop waiting.
        if (settings.output === 'normalised-window' && isPredictionPayload(msg.payload)) {
          const key = resending ? windowKeyOf(msg.payload) : undefined;
          if (key && unanswered.answered(key)) showNormalised();
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
            const out: NodeMessage = { ...msg, payload: normalisedWindowOf(msg.payload, current, c.normalise(current)) };
            // Only voiced windows are sure to be classified by a worker, so only they wait for a result.
            const key = current.voiced ? windowKeyOf(out.payload) : undefined;
            if (resending && key) unanswered.sent(key, RED.util.cloneMessage(out), Date.now());
            send(out);
            showNormalised();
            done();
          })
          .catch((err: Error) => {
            if (closed) return done();
            if (err instanceof StreamRefusedError) return refuse(err, done);
            done(failure && err !== failure ? failure : err);
          });
        return;
      }
      const ticket = { dropped: false };
      if (!classifier) {
        beforeReady.push(ticket);
        while (beforeReady.length > settings.maxQueued) beforeReady.shift()!.dropped = true;
      }
      ready
        .then((c) => {
          if (ticket.dropped) throw new WindowDroppedError(settings.maxQueued);
          if (beforeReady[0] === ticket) beforeReady.shift();
          return c.classify(current);
        })
        .then((prediction) => {
          // A redeploy closed the node while this window was in flight: its flow is gone, drop it quietly.
          if (closed) return done();
          const dropped = droppedSince.get(current.streamId)?.count;
          if (dropped) droppedSince.delete(current.streamId);
          send({ ...msg, streamId: prediction.streamId, payload: prediction, ...(dropped ? { dropped } : {}) });
          // The first prediction after "ready" shows at once; later ones at most every 500 ms (their text made only then).
          const shown = () => {
            const refusing = refused.text();
            return {
              fill: refusing ? 'yellow' : 'green',
              shape: 'dot',
              text: `${prediction.emotion} ${prediction.confidence.toFixed(2)}${refusing}${droppedText()}`,
            } as const;
          };
          if (predictionShown) status.set(shown);
          else status.now(shown);
          predictionShown = true;
          done();
        })
        .catch((err: Error) => {
          if (closed) return done();
          if (err instanceof StreamRefusedError) return refuse(err, done);
          if (!(err instanceof WindowDroppedError)) return done(failure && err !== failure ? failure : err);
          // Shedding load is the documented policy, not a failure of the message: counted, not thrown.
          droppedSince.getOrCreate(current.streamId, () => ({ count: 0 })).count++;
          droppedTotal++;
          status.set({ fill: 'yellow', shape: 'dot', text: `overloaded: ${droppedTotal} dropped` });
          done();
        });
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      sweep.stop();
      if (resendTimer) clearInterval(resendTimer);
      unanswered.clear();
      status.dispose();
      classifier?.close();
      droppedSince.clear();
      ownLease?.release();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('mt-a-dnn-infer', MtADnnInferNode);
};
