import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { decodeAudioPayload, passThroughPcm16 } from '../../core/audio/audio-payload';
import type { AudioChunk } from '../../core/audio/audio-chunk';
import { AudioSourceController, type AudioSourceEvent } from '../../core/audio/audio-source-controller';
import { AudioStreamConverter } from '../../core/audio/audio-stream-converter';
import { describeInput } from '../../core/audio/describe-input';
import { type FlowAudioMessage, controlCommandOf, endsStream, formatHintOf, isEndOnly } from '../../core/audio/flow-audio-input';
import { resolveAudioPath } from '../../core/audio/resolve-audio-path';
import { type AudioSourceNodeConfig, type AudioSourceSettings, resolveAudioSourceConfig } from '../../core/config/audio-source-config';
import { PACKAGE_ROOT } from '../../core/model/package-paths';
import { resetTargetOf } from '../../core/reset-message';
import { streamIdOf } from '../../core/stream-id';
import { StreamStateMap } from '../../core/stream-state-map';
import { chunkToMessage } from './chunk-message';
import { FileErrorSummary } from './file-error-summary';
import { LagMeter, lagText } from './lag-meter';
import { startIdleSweep } from '../node-conventions/idle-sweep';
import { refuseInvalidConfig } from '../node-conventions/invalid-config';
import { RefusedStreamsWarning } from '../node-conventions/refused-streams-warning';
import { StatusThrottle } from '../node-conventions/status-throttle';

type AudioSourceDef = NodeDef & AudioSourceNodeConfig;
type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type InputMessage = NodeMessageInFlow & FlowAudioMessage & { reset?: unknown; path?: unknown };

const baseName = (path: string) => path.split(/[\\/]/).pop();
/** Flow audio is converted in slices of this many frames, the event loop free in between. */
const SLICE_FRAMES = 8192;

function payloadBytes(payload: unknown): number {
  if (ArrayBuffer.isView(payload)) return payload.byteLength;
  // A number array becomes 32-bit floats.
  if (Array.isArray(payload)) return payload.length * 4;
  return 0;
}

export = function register(RED: NodeAPI): void {
  function AudioSourceNode(this: Node, config: AudioSourceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveAudioSourceConfig(config, (name) => RED.util.evaluateNodeProperty(name, 'env', node, {} as NodeMessage));
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const settings: AudioSourceSettings = resolved.config;
    const status = new StatusThrottle(node);
    // One send per chunk: Node-RED clones every message of an array after the first, and these are fresh objects.
    const sendChunks = (send: Send, msgs: NodeMessage[]) => {
      for (const msg of msgs) send(msg);
    };

    // ---- from the flow: per-stream converters, bounded, expired when idle ----
    const streams = new StreamStateMap<AudioStreamConverter>({
      maxStreams: settings.maxStreams,
      idleMs: settings.idleMs,
      onEvict(_id, converter, reason) {
        // An idle or displaced stream still gets its last (final) chunk, so downstream drops its state too.
        if (reason === 'idle' || reason === 'capacity') {
          sendChunks(
            (m) => node.send(m as NodeMessage),
            converter.end().map((c) => chunkToMessage(c)),
          );
        }
      },
    });
    const refused = new RefusedStreamsWarning(node, settings.maxStreams);
    let chunksSent = 0;
    const lag = new LagMeter();
    const liveMessage = (chunk: AudioChunk, topic?: string, meter = lag) => {
      const msg = chunkToMessage(chunk, topic);
      msg.audio.lag = meter.measure(chunk.timestamp);
      return msg;
    };
    const sweep = startIdleSweep(() => {
      try {
        streams.sweep();
      } catch (err) {
        node.error(`ending idle streams: ${(err as Error).message}`);
      }
    }, settings.idleMs);
    const showStreams = () =>
      status.set(() => {
        const refusing = refused.text();
        return {
          fill: refusing ? 'yellow' : 'green',
          shape: 'dot',
          text: `${streams.size} stream${streams.size === 1 ? '' : 's'}${refusing}, ${chunksSent} chunks${lagText(lag.takeWorst())}`,
        };
      });

    // Work on a stream waits for the stream's previous message, so that a message converted in slices keeps its place.
    const streamWork = new Map<string, Promise<void>>();
    let closed = false;

    function inStreamOrder(streamId: string, job: () => void | Promise<void>, done: (err?: Error) => void): void {
      const previous = streamWork.get(streamId);
      let running: Promise<void>;
      if (previous) running = previous.then(job);
      else {
        let result: void | Promise<void>;
        try {
          result = job();
        } catch (err) {
          return failMessage(err as Error, done);
        }
        if (!result) return done();
        running = result;
      }
      const tail = running.then(
        () => done(),
        (err: Error) => failMessage(err, done),
      );
      streamWork.set(streamId, tail);
      void tail.then(() => {
        if (streamWork.get(streamId) === tail) streamWork.delete(streamId);
      });
    }

    function fromFlow(msg: InputMessage, send: Send, done: (err?: Error) => void): void {
      const streamId = streamIdOf(msg, settings.streamId);
      const topic = typeof msg.topic === 'string' ? msg.topic : undefined;
      const bytes = payloadBytes(msg.payload);
      if (bytes > settings.maxMessageBytes) {
        throw new Error(
          `payload is ${describeInput(msg.payload)}, more than this node's maximum message size of ${settings.maxMessageBytes} bytes: send the audio in smaller pieces or raise "Max size"`,
        );
      }
      inStreamOrder(streamId, () => convertFlowAudio(msg, send, streamId, topic), done);
    }

    function convertFlowAudio(msg: InputMessage, send: Send, streamId: string, topic: string | undefined): void | Promise<void> {
      if (closed) return;
      if (isEndOnly(msg)) {
        const converter = streams.get(streamId);
        if (converter)
          sendChunks(
            send,
            converter.end().map((c) => chunkToMessage(c, topic)),
          );
        streams.delete(streamId);
        return;
      }
      const final = endsStream(msg);
      const hint = formatHintOf(msg, settings.pcm);
      const converter = streams.admit(streamId, () => new AudioStreamConverter({ streamId, chunkSamples: settings.chunkSamples }));
      if (!converter) {
        // Every place holds an active stream: this one's audio is dropped before any work, and shown.
        refused.refused(streamId);
        return showStreams();
      }
      refused.streams.admitted(streamId);
      // 16 kHz mono 16-bit PCM travels on as it came; anything else is decoded (and resampled) first
      const pcm16 = passThroughPcm16(msg.payload, hint);
      const decoded = pcm16 ? undefined : decodeAudioPayload(msg.payload, hint);
      const frames = pcm16 ? pcm16.length : (decoded!.channels[0]?.length ?? 0);
      const pushSlice = (from: number, to: number) => {
        const last = to >= frames;
        const chunks = pcm16
          ? converter.pushPcm16(pcm16.subarray(from, to), final && last)
          : converter.push(
              decoded!.channels.map((c) => c.subarray(from, to)),
              decoded!.sampleRate,
              final && last,
            );
        if (final && last) streams.delete(streamId);
        chunksSent += chunks.length;
        sendChunks(
          send,
          chunks.map((c) => liveMessage(c, topic)),
        );
        showStreams();
      };
      if (frames <= SLICE_FRAMES) return pushSlice(0, frames);
      return (async () => {
        for (let from = 0; from < frames; from += SLICE_FRAMES) {
          // A reset, an eviction or a redeploy in between ends this message's work quietly.
          if (closed || streams.get(streamId) !== converter) return;
          pushSlice(from, Math.min(frames, from + SLICE_FRAMES));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      })();
    }

    function failMessage(err: Error, done: (err?: Error) => void): void {
      status.now({ fill: 'red', shape: 'ring', text: err.message.slice(0, 80) });
      done(err);
    }

    // ---- from files or a capture command: one source at a time, started and stopped by message ----
    const source = new AudioSourceController(settings);
    const captureLabel = [settings.capture.command, config.device].filter(Boolean).join(' ');
    const fileErrors = new FileErrorSummary((text, file) => node.error(text, { payload: file ?? text } as NodeMessage));
    const reportFailure = (message: string) => {
      status.now({ fill: 'red', shape: 'ring', text: message.slice(0, 80) });
      node.error(message, { payload: message, streamId: settings.streamId } as NodeMessage);
    };
    let restarts = 0;
    // The recorder's chunks are measured from its start (the flow's streams from their first message).
    const micLag = new LagMeter();
    const handleEvent = (event: AudioSourceEvent) => {
      switch (event.kind) {
        case 'chunk':
          if (settings.mode === 'microphone') {
            node.send(liveMessage(event.chunk, undefined, micLag));
            const restarted = restarts ? `, ${restarts} restart${restarts === 1 ? '' : 's'}` : '';
            status.set(() => ({
              fill: 'green',
              shape: 'dot',
              text: `listening (${captureLabel}${restarted}${lagText(micLag.takeWorst())})`,
            }));
          } else node.send(chunkToMessage(event.chunk));
          break;
        case 'playing':
          status.set({ fill: 'green', shape: 'dot', text: `playing ${baseName(event.file)}${settings.realtime ? '' : ' (fast)'}` });
          break;
        case 'starting':
          restarts = event.restarts;
          micLag.started();
          status.now({ fill: 'green', shape: 'ring', text: `starting ${captureLabel}${restarts ? ` (restart ${restarts})` : ''}` });
          break;
        case 'no-audio': {
          const message = `no audio from recorder "${captureLabel}" after ${event.afterMs / 1000} s`;
          status.now({ fill: 'yellow', shape: 'ring', text: message.slice(0, 80) });
          node.error(message, { payload: message, streamId: settings.streamId } as NodeMessage);
          break;
        }
        case 'finished':
          fileErrors.flush();
          status.now({ fill: 'grey', shape: 'dot', text: 'finished' });
          break;
        case 'stopped':
          status.now({ fill: 'grey', shape: 'dot', text: 'stopped' });
          break;
        case 'failed':
          fileErrors.flush();
          if (event.restartInMs === undefined) reportFailure(event.error.message);
          else {
            node.error(`${event.error.message}; restarting in ${event.restartInMs / 1000} s`, {
              payload: event.error.message,
              streamId: settings.streamId,
            } as NodeMessage);
            const text = `restart ${restarts + 1} in ${event.restartInMs / 1000} s: ${event.error.message}`;
            status.now({ fill: 'red', shape: 'ring', text: text.slice(0, 80) });
          }
          break;
        case 'file-skipped':
          fileErrors.add(event.file, event.error);
          break;
      }
    };
    // A throw in here would otherwise be rethrown by RxJS from a timer, ending Node-RED.
    source.events.subscribe((event: AudioSourceEvent) => {
      try {
        handleEvent(event);
      } catch (err) {
        status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 80) });
        node.error((err as Error).message);
      }
    });

    // A relative path: in the user directory, else in this package (the examples' demo clips).
    const audioPathBases = [(RED.settings as { userDir?: string }).userDir ?? '', PACKAGE_ROOT];
    const start = (path: string) => {
      if (settings.mode === 'file') source.playFiles(resolveAudioPath(path, audioPathBases));
      else source.startCapture();
    };

    node.on('input', (raw: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      const msg = raw as InputMessage;
      try {
        const reset = resetTargetOf(msg);
        const command = controlCommandOf(msg);
        if (reset) {
          // Buffered audio of the stream (or of all) is dropped without a final chunk.
          if (reset === 'all') streams.clear();
          else streams.delete(reset.streamId);
          if (settings.mode === 'flow') showStreams();
        } else if (settings.mode === 'flow') {
          return fromFlow(msg, send, done);
        } else if (command === 'stop') {
          void source.stop().then(() => status.now({ fill: 'grey', shape: 'ring', text: 'stopped' }));
        } else if (command === 'start' || msg.payload === true || msg.payload === undefined || typeof msg.path === 'string') {
          start(typeof msg.path === 'string' && msg.path ? msg.path : settings.path);
        } else {
          throw new Error(
            `in ${settings.mode} mode the node takes "start" or "stop" (msg.payload or msg.command), not ${describeInput(msg.payload)}`,
          );
        }
        done();
      } catch (err) {
        failMessage(err as Error, done);
      }
    });

    let startTimer: NodeJS.Timeout | undefined;
    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      clearTimeout(startTimer);
      sweep.stop();
      status.dispose();
      fileErrors.dispose();
      streams.clear();
      source.dispose().then(done, done);
    });

    if (settings.mode === 'flow') node.status({ fill: 'grey', shape: 'ring', text: 'waiting for audio' });
    else if (settings.autostart) {
      // Let the rest of the flow start first, so that nothing misses the first chunks.
      startTimer = setTimeout(() => {
        try {
          start(settings.path);
        } catch (err) {
          status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 80) });
          node.error((err as Error).message);
        }
      }, 100);
    } else node.status({ fill: 'grey', shape: 'ring', text: 'stopped: send "start"' });
  }

  RED.nodes.registerType('audio-source', AudioSourceNode);
};
