import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { decodeAudioPayload } from '../../core/audio/audio-payload';
import { AudioSourceController, type AudioSourceEvent } from '../../core/audio/audio-source-controller';
import { AudioStreamConverter } from '../../core/audio/audio-stream-converter';
import { type FlowAudioMessage, controlCommandOf, endsStream, formatHintOf, isEndOnly } from '../../core/audio/flow-audio-input';
import { resolveAudioPath } from '../../core/audio/resolve-audio-path';
import { type AudioSourceNodeConfig, type AudioSourceSettings, resolveAudioSourceConfig } from '../../core/config/audio-source-config';
import { PACKAGE_ROOT } from '../../core/model/package-paths';
import { resetTargetOf } from '../../core/reset-message';
import { streamIdOf } from '../../core/stream-id';
import { StreamStateMap } from '../../core/stream-state-map';
import { chunkToMessage } from './chunk-message';
import { startIdleSweep } from '../shared/idle-sweep';
import { refuseInvalidConfig } from '../shared/invalid-config';
import { StatusThrottle } from '../shared/status-throttle';

type AudioSourceDef = NodeDef & AudioSourceNodeConfig;
type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
type InputMessage = NodeMessageInFlow & FlowAudioMessage & { reset?: unknown; path?: unknown };

const baseName = (path: string) => path.split(/[\\/]/).pop();

export = function register(RED: NodeAPI): void {
  function AudioSourceNode(this: Node, config: AudioSourceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const resolved = resolveAudioSourceConfig(config, (name) => RED.util.evaluateNodeProperty(name, 'env', node, {} as NodeMessage));
    if (!resolved.ok) return refuseInvalidConfig(node, resolved.problems);
    const settings: AudioSourceSettings = resolved.config;
    const status = new StatusThrottle(node);
    const sendChunks = (send: Send, msgs: NodeMessage[]) => {
      if (msgs.length) send([msgs]);
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
    let chunksSent = 0;
    const sweep = startIdleSweep(() => streams.sweep(), settings.idleMs);
    const showStreams = () =>
      status.set({ fill: 'green', shape: 'dot', text: `${streams.size} stream${streams.size === 1 ? '' : 's'}, ${chunksSent} chunks` });

    function fromFlow(msg: InputMessage, send: Send): void {
      const streamId = streamIdOf(msg, settings.streamId);
      const topic = typeof msg.topic === 'string' ? msg.topic : undefined;
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
      const decoded = decodeAudioPayload(msg.payload, formatHintOf(msg, settings.pcm));
      const converter = streams.getOrCreate(streamId, () => new AudioStreamConverter({ streamId, chunkSamples: settings.chunkSamples }));
      const chunks = converter.push(decoded.channels, decoded.sampleRate, final);
      if (final) streams.delete(streamId);
      chunksSent += chunks.length;
      sendChunks(
        send,
        chunks.map((c) => chunkToMessage(c, topic)),
      );
      showStreams();
    }

    // ---- from files or a capture command: one source at a time, started and stopped by message ----
    const source = new AudioSourceController(settings);
    const captureLabel = [settings.capture.command, config.device].filter(Boolean).join(' ');
    source.events.subscribe((event: AudioSourceEvent) => {
      switch (event.kind) {
        case 'chunk':
          node.send(chunkToMessage(event.chunk));
          if (settings.mode === 'microphone') status.set({ fill: 'green', shape: 'dot', text: `listening (${captureLabel})` });
          break;
        case 'playing':
          status.now({ fill: 'green', shape: 'dot', text: `playing ${baseName(event.file)}${settings.realtime ? '' : ' (fast)'}` });
          break;
        case 'starting':
          status.now({ fill: 'green', shape: 'ring', text: `starting ${captureLabel}` });
          break;
        case 'finished':
          status.now({ fill: 'grey', shape: 'dot', text: 'finished' });
          break;
        case 'stopped':
          status.now({ fill: 'grey', shape: 'dot', text: 'stopped' });
          break;
        case 'failed':
          status.now({ fill: 'red', shape: 'ring', text: event.error.message.slice(0, 80) });
          node.error(event.error.message);
          break;
        case 'file-skipped':
          node.error(`skipped ${event.file}: ${event.error.message}`, { payload: event.file } as NodeMessage);
          break;
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
          fromFlow(msg, send);
        } else if (command === 'stop') {
          void source.stop().then(() => status.now({ fill: 'grey', shape: 'ring', text: 'stopped' }));
        } else if (command === 'start' || msg.payload === true || msg.payload === undefined || typeof msg.path === 'string') {
          start(typeof msg.path === 'string' && msg.path ? msg.path : settings.path);
        } else {
          throw new Error(
            `in ${settings.mode} mode the node takes "start" or "stop" (msg.payload or msg.command), not ${JSON.stringify(msg.payload)?.slice(0, 40)}`,
          );
        }
        done();
      } catch (err) {
        status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 80) });
        done(err as Error);
      }
    });

    let startTimer: NodeJS.Timeout | undefined;
    node.on('close', (_removed: boolean, done: () => void) => {
      clearTimeout(startTimer);
      sweep.stop();
      status.dispose();
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
