import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Subscription } from 'rxjs';
import { decodeAudioPayload } from '../../core/audio/audio-payload';
import { looksLikeWav } from '../../core/audio/wav-decoder';
import { AudioStreamConverter } from '../../core/audio/audio-stream-converter';
import { CaptureProcess } from '../../core/audio/capture-process';
import { playAudioFiles } from '../../core/audio/file-playback';
import { resolveAudioPath } from '../../core/audio/resolve-audio-path';
import { PACKAGE_ROOT } from '../../core/model/package-paths';
import { StreamStateMap } from '../../core/stream-state-map';
import { type AudioSourceNodeConfig, type AudioSourceSettings, settingsFromConfig } from './audio-source-config';
import { chunkToMessage } from './chunk-message';
import { StatusThrottle } from '../shared/status-throttle';

type AudioSourceDef = NodeDef & AudioSourceNodeConfig;
type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

interface InputMessage extends NodeMessageInFlow {
  streamId?: unknown;
  audio?: Record<string, unknown>;
  format?: Record<string, unknown>;
  [key: string]: unknown;
}

const SWEEP_INTERVAL_MS = 10_000;

function controlCommand(msg: InputMessage): 'start' | 'stop' | undefined {
  const value = typeof msg.command === 'string' ? msg.command : typeof msg.payload === 'string' ? msg.payload : undefined;
  const word = value?.trim().toLowerCase();
  return word === 'start' || word === 'stop' ? word : undefined;
}

/** The PCM format a message describes (sox-utils style top-level fields, msg.audio or msg.format), or the node's. */
function formatHint(msg: InputMessage, defaults: AudioSourceSettings['pcm']) {
  const meta = { ...(msg.format ?? {}), ...(msg.audio ?? {}) } as Record<string, unknown>;
  const pick = (...values: unknown[]) => values.find((v) => v !== undefined && v !== '');
  return {
    sampleRate: pick(meta.sampleRate, meta.rate, msg.sampleRate, msg.rate, defaults.sampleRate),
    channels: pick(meta.channels, msg.channels, defaults.channels),
    bits: pick(meta.bits, meta.bitwidth, msg.bits, msg.bitwidth, defaults.bits),
    encoding: pick(meta.encoding, msg.encoding, defaults.encoding),
    endian: pick(meta.endian, msg.endian),
  };
}

function streamIdOf(msg: InputMessage, fallback: string): string {
  const id = msg.streamId ?? msg.audio?.streamId ?? (typeof msg.topic === 'string' && msg.topic ? msg.topic : undefined);
  if (id === undefined || id === null || id === '') return fallback;
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`msg.streamId must be a string or number, got ${typeof id}`);
  return String(id).slice(0, 200);
}

export = function register(RED: NodeAPI): void {
  function AudioSourceNode(this: Node, config: AudioSourceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    let settings: AudioSourceSettings;
    try {
      settings = settingsFromConfig(config, (name) => RED.util.evaluateNodeProperty(name, 'env', node, {} as NodeMessage));
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: `invalid configuration: ${(err as Error).message}` });
      node.error(`invalid configuration: ${(err as Error).message}`);
      node.on('input', (_msg: NodeMessageInFlow, _send: Send, done: (err?: Error) => void) =>
        done(new Error(`invalid configuration: ${(err as Error).message}`)),
      );
      return;
    }
    const status = new StatusThrottle(node, 500);
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
    const sweep = setInterval(() => streams.sweep(), Math.min(SWEEP_INTERVAL_MS, settings.idleMs || SWEEP_INTERVAL_MS));
    sweep.unref();

    function fromFlow(msg: InputMessage, send: Send): void {
      const streamId = streamIdOf(msg, settings.streamId);
      // A WAV file is a whole recording, so it ends its stream unless the message says otherwise.
      const declared = msg.audio?.final ?? msg.final;
      const final = declared === undefined ? msg.payload instanceof Uint8Array && looksLikeWav(msg.payload) : declared === true;
      const isEndOnly = final && (msg.payload === undefined || msg.payload === null || (msg.payload as { length?: number }).length === 0);
      let converter = streams.get(streamId);
      if (isEndOnly) {
        if (converter)
          sendChunks(
            send,
            converter.end().map((c) => chunkToMessage(c, typeof msg.topic === 'string' ? msg.topic : undefined)),
          );
        streams.delete(streamId);
        return;
      }
      const decoded = decodeAudioPayload(msg.payload, formatHint(msg, settings.pcm));
      converter = streams.getOrCreate(streamId, () => new AudioStreamConverter({ streamId, chunkSamples: settings.chunkSamples }));
      const chunks = converter.push(decoded.channels, decoded.sampleRate, final);
      if (final) streams.delete(streamId);
      chunksSent += chunks.length;
      sendChunks(
        send,
        chunks.map((c) => chunkToMessage(c, typeof msg.topic === 'string' ? msg.topic : undefined)),
      );
      status.set({ fill: 'green', shape: 'dot', text: `${streams.size} stream${streams.size === 1 ? '' : 's'}, ${chunksSent} chunks` });
    }

    // ---- from files or a capture command: one source at a time, started and stopped by message ----
    let playback: Subscription | undefined;
    let capture: CaptureProcess | undefined;

    // A relative path: in the user directory, else in this package (the examples' demo clips).
    const audioPathBases = [(RED.settings as { userDir?: string }).userDir ?? '', PACKAGE_ROOT];

    function startFiles(configuredPath: string): void {
      stopSource();
      const path = resolveAudioPath(configuredPath, audioPathBases);
      const name = path.split(/[\\/]/).pop();
      status.now({ fill: 'green', shape: 'dot', text: `playing ${name}${settings.realtime ? '' : ' (fast)'}` });
      let current = '';
      playback = playAudioFiles({
        path,
        streamId: settings.streamId,
        chunkSamples: settings.chunkSamples,
        realtime: settings.realtime,
        loop: settings.loop,
        onFileError: (file, err) => node.error(`skipped ${file}: ${err.message}`, { payload: file } as NodeMessage),
      }).subscribe({
        next(chunk) {
          if (chunk.file !== current) {
            current = chunk.file;
            status.now({ fill: 'green', shape: 'dot', text: `playing ${current.split(/[\\/]/).pop()}` });
          }
          node.send(chunkToMessage(chunk));
        },
        error(err: Error) {
          playback = undefined;
          status.now({ fill: 'red', shape: 'ring', text: err.message });
          node.error(err.message);
        },
        complete() {
          playback = undefined;
          status.now({ fill: 'grey', shape: 'dot', text: 'finished' });
        },
      });
    }

    function startCapture(): void {
      stopSource();
      const source = new CaptureProcess(settings.capture, settings.streamId, settings.chunkSamples);
      capture = source;
      const label = [settings.capture.command, config.device].filter(Boolean).join(' ');
      source.chunks.subscribe({
        next(chunk) {
          node.send(chunkToMessage(chunk));
          status.set({ fill: 'green', shape: 'dot', text: `listening (${label})` });
        },
        error(err: Error) {
          if (capture === source) capture = undefined;
          status.now({ fill: 'red', shape: 'ring', text: err.message.slice(0, 80) });
          node.error(err.message);
        },
        complete() {
          if (capture === source) capture = undefined;
          status.now({ fill: 'grey', shape: 'dot', text: 'stopped' });
        },
      });
      source.start();
      status.now({ fill: 'green', shape: 'ring', text: `starting ${label}` });
    }

    function stopSource(): Promise<void> {
      playback?.unsubscribe();
      playback = undefined;
      const running = capture;
      capture = undefined;
      return running ? running.stop() : Promise.resolve();
    }

    node.on('input', (raw: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      const msg = raw as InputMessage;
      try {
        const command = controlCommand(msg);
        if (settings.mode === 'flow') {
          fromFlow(msg, send);
        } else if (command === 'stop') {
          void stopSource().then(() => status.now({ fill: 'grey', shape: 'ring', text: 'stopped' }));
        } else if (command === 'start' || msg.payload === true || msg.payload === undefined || typeof msg.path === 'string') {
          if (settings.mode === 'file') startFiles(typeof msg.path === 'string' && msg.path ? msg.path : settings.path);
          else startCapture();
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

    node.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(sweep);
      status.dispose();
      streams.clear();
      stopSource().then(done, done);
    });

    if (settings.mode === 'flow') node.status({ fill: 'grey', shape: 'ring', text: 'waiting for audio' });
    else if (settings.autostart) {
      // Let the rest of the flow start first, so that nothing misses the first chunks.
      const startTimer = setTimeout(() => {
        try {
          if (settings.mode === 'file') startFiles(settings.path);
          else startCapture();
        } catch (err) {
          status.now({ fill: 'red', shape: 'ring', text: (err as Error).message.slice(0, 80) });
          node.error((err as Error).message);
        }
      }, 100);
      node.on('close', () => clearTimeout(startTimer));
    } else node.status({ fill: 'grey', shape: 'ring', text: 'stopped: send "start"' });
  }

  RED.nodes.registerType('audio-source', AudioSourceNode);
};
