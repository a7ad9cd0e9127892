import { type CaptureCommand, arecordCommand, soxCommand } from '../audio/capture-process';
import { type PcmEncoding, type PcmFormat, validatePcmFormat } from '../audio/pcm-decoder';
import { MODEL_SAMPLE_RATE } from '../audio/audio-chunk';
import { ConfigReader, type ConfigResult, MAX_STREAMS_LIMIT } from './config-result';

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
  maxMessageKB?: number | string;
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
  /** flow mode: a payload larger than this is refused */
  maxMessageBytes: number;
  path: string;
  realtime: boolean;
  loop: boolean;
  capture: CaptureCommand;
  autostart: boolean;
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

const MODES = ['flow', 'file', 'microphone'] as const;
/** 4 MB: two minutes of 16 kHz 16-bit mono, about 11 s of 192 kHz 16-bit stereo. */
export const DEFAULT_MAX_MESSAGE_KB = 4096;
/** 512 MB, the largest WAV file the node reads from disk. */
export const MAX_MESSAGE_KB_LIMIT = 512 * 1024;
const RECORDERS = ['arecord', 'sox', 'custom'] as const;

function checkFormat(read: ConfigReader, format: PcmFormat, label: string): void {
  read.attempt(() => {
    try {
      return validatePcmFormat(format);
    } catch (err) {
      throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
    }
  }, undefined);
}

/** The audio-source node's settings from its editor fields, or every problem with them. */
export function resolveAudioSourceConfig(
  config: AudioSourceNodeConfig,
  envValue: (name: string) => unknown = (name) => process.env[name],
): ConfigResult<AudioSourceSettings> {
  const read = new ConfigReader();
  const mode = read.oneOf(config.mode, MODES, 'flow', 'mode');
  const chunkMs = read.number(config.chunkMs, 250, 'chunk length (ms)', 10, 10000);
  const captureRate = read.number(config.captureRate, MODEL_SAMPLE_RATE, 'capture rate', 1);
  const pcm = {
    sampleRate: read.number(config.pcmRate, MODEL_SAMPLE_RATE, 'sample rate', 1),
    channels: read.integer(config.pcmChannels, 1, 'channels', 1),
    bits: read.integer(config.pcmBits, 16, 'bits', 1),
    encoding: (config.pcmEncoding || 'signed-integer') as PcmEncoding,
  };
  const recorder = read.oneOf(config.recorder, RECORDERS, 'arecord', 'recorder');
  let capture: CaptureCommand;
  if (recorder === 'sox') capture = soxCommand(config.device ?? '', captureRate);
  else if (recorder === 'custom') {
    if (mode === 'microphone' && !config.command?.trim()) read.problems.push('custom recorder needs a command');
    const args = read.attempt(() => parseArguments(config.args ?? ''), []);
    capture = { command: (config.command ?? '').trim(), args, format: pcm };
  } else capture = arecordCommand(config.device ?? '', captureRate);
  // A format the decoder refuses would otherwise fail only when the recorder starts (or at every raw message).
  if (mode === 'microphone') checkFormat(read, capture.format, recorder === 'custom' ? 'raw format' : 'record at');
  if (mode === 'flow') checkFormat(read, pcm, 'raw format');
  const path = configuredPath(config, envValue);
  if (mode === 'file' && !path) {
    read.problems.push(
      config.pathType === 'env' && config.path?.trim()
        ? `environment variable ${config.path.trim()} is not set`
        : 'file mode needs a file or folder path',
    );
  }
  return read.result({
    mode,
    streamId: config.streamId?.trim() || config.id,
    chunkSamples: Math.round((chunkMs * MODEL_SAMPLE_RATE) / 1000),
    pcm,
    maxStreams: read.integer(config.maxStreams, 1000, 'max. streams', 1, MAX_STREAMS_LIMIT),
    idleMs: read.number(config.idleTimeout, 60, 'idle timeout (s)', 0) * 1000,
    maxMessageBytes: read.integer(config.maxMessageKB, DEFAULT_MAX_MESSAGE_KB, 'max. message size (KB)', 1, MAX_MESSAGE_KB_LIMIT) * 1024,
    path,
    realtime: config.realtime !== false,
    loop: config.loop === true,
    capture,
    autostart: config.autostart ?? mode === 'file',
  });
}
