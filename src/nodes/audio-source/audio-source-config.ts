import { type CaptureCommand, arecordCommand, soxCommand } from '../../core/audio/capture-process';
import type { PcmEncoding } from '../../core/audio/pcm-decoder';
import { MODEL_SAMPLE_RATE } from '../../core/audio/audio-chunk';

/** What the editor stores for an audio-source node (numbers may arrive as strings). */
export interface AudioSourceNodeConfig {
  id: string;
  name?: string;
  mode?: 'flow' | 'file' | 'microphone';
  streamId?: string;
  chunkMs?: number | string;
  // from the flow
  pcmRate?: number | string;
  pcmChannels?: number | string;
  pcmBits?: number | string;
  pcmEncoding?: string;
  maxStreams?: number | string;
  idleTimeout?: number | string;
  // from files
  path?: string;
  /** 'str': path is the path; 'env': path names an environment variable holding it (flows without it: 'str') */
  pathType?: 'str' | 'env';
  realtime?: boolean;
  loop?: boolean;
  // microphone
  recorder?: 'arecord' | 'sox' | 'custom';
  device?: string;
  captureRate?: number | string;
  command?: string;
  args?: string;
  autostart?: boolean;
}

export interface AudioSourceSettings {
  mode: 'flow' | 'file' | 'microphone';
  streamId: string;
  chunkSamples: number;
  pcm: { sampleRate: number; channels: number; bits: number; encoding: PcmEncoding };
  maxStreams: number;
  idleMs: number;
  path: string;
  realtime: boolean;
  loop: boolean;
  capture: CaptureCommand;
  autostart: boolean;
}

function numberOr(value: unknown, fallback: number): number {
  if (value === undefined || value === '' || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`"${String(value)}" is not a number`);
  return n;
}

/** Custom command arguments: a JSON array of strings, or words separated by spaces. */
export function parseArguments(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || parsed.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
      throw new Error('arguments must be a JSON array of strings');
    }
    return parsed.map(String);
  }
  return trimmed.split(/\s+/);
}

/** The configured file or folder path: the text itself, or the value of the environment variable it names. */
function configuredPath(config: AudioSourceNodeConfig, envValue: (name: string) => unknown): string {
  const text = (config.path ?? '').trim();
  if (config.pathType !== 'env' || !text) return text;
  const value = envValue(text);
  return typeof value === 'string' ? value.trim() : '';
}

export function settingsFromConfig(
  config: AudioSourceNodeConfig,
  envValue: (name: string) => unknown = (name) => process.env[name],
): AudioSourceSettings {
  const mode = config.mode ?? 'flow';
  if (!['flow', 'file', 'microphone'].includes(mode)) throw new Error(`unknown mode "${mode}"`);
  const chunkMs = numberOr(config.chunkMs, 250);
  if (chunkMs < 10 || chunkMs > 10000) throw new Error(`chunk length ${chunkMs} ms is not from 10 to 10000 ms`);
  const captureRate = numberOr(config.captureRate, MODEL_SAMPLE_RATE);
  const pcm = {
    sampleRate: numberOr(config.pcmRate, MODEL_SAMPLE_RATE),
    channels: numberOr(config.pcmChannels, 1),
    bits: numberOr(config.pcmBits, 16),
    encoding: (config.pcmEncoding || 'signed-integer') as PcmEncoding,
  };
  let capture: CaptureCommand;
  const recorder = config.recorder ?? 'arecord';
  if (recorder === 'sox') capture = soxCommand(config.device ?? '', captureRate);
  else if (recorder === 'custom') {
    if (mode === 'microphone' && !config.command?.trim()) throw new Error('custom recorder needs a command');
    capture = { command: (config.command ?? '').trim(), args: parseArguments(config.args ?? ''), format: pcm };
  } else capture = arecordCommand(config.device ?? '', captureRate);
  const path = configuredPath(config, envValue);
  if (mode === 'file' && !path) {
    throw new Error(
      config.pathType === 'env' && config.path?.trim()
        ? `environment variable ${config.path.trim()} is not set`
        : 'file mode needs a file or folder path',
    );
  }
  return {
    mode,
    streamId: config.streamId?.trim() || config.id,
    chunkSamples: Math.round((chunkMs * MODEL_SAMPLE_RATE) / 1000),
    pcm,
    maxStreams: Math.max(1, Math.floor(numberOr(config.maxStreams, 1000))),
    idleMs: Math.max(0, numberOr(config.idleTimeout, 60)) * 1000,
    path,
    realtime: config.realtime !== false,
    loop: config.loop === true,
    capture,
    autostart: config.autostart ?? mode === 'file',
  };
}
