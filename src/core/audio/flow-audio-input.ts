import type { PcmFormatHint } from './audio-payload';
import { looksLikeWav } from './wav-decoder';

/** The fields of a flow message that carry audio for the audio-source node. */
export interface FlowAudioMessage {
  payload?: unknown;
  command?: unknown;
  final?: unknown;
  audio?: Record<string, unknown>;
  format?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface PcmDefaults {
  sampleRate: number;
  channels: number;
  bits: number;
  encoding: string;
}

/** "start" or "stop" in msg.command or msg.payload (any case, spaces around allowed); else undefined. */
export function controlCommandOf(msg: FlowAudioMessage): 'start' | 'stop' | undefined {
  const value = typeof msg.command === 'string' ? msg.command : typeof msg.payload === 'string' ? msg.payload : undefined;
  const word = value?.trim().toLowerCase();
  return word === 'start' || word === 'stop' ? word : undefined;
}

/**
 * The PCM format a message describes: msg.audio first, then msg.format, then sox-utils style
 * top-level fields (sampleRate/rate, channels, bits/bitwidth, encoding, endian), then the node's.
 * A WAV payload's own header overrides all of these when it is decoded.
 */
export function formatHintOf(msg: FlowAudioMessage, defaults: PcmDefaults): PcmFormatHint {
  const meta = { ...(msg.format ?? {}), ...(msg.audio ?? {}) };
  const pick = (...values: unknown[]) => values.find((v) => v !== undefined && v !== '');
  return {
    sampleRate: pick(meta.sampleRate, meta.rate, msg.sampleRate, msg.rate, defaults.sampleRate),
    channels: pick(meta.channels, msg.channels, defaults.channels),
    bits: pick(meta.bits, meta.bitwidth, msg.bits, msg.bitwidth, defaults.bits),
    encoding: pick(meta.encoding, msg.encoding, defaults.encoding),
    endian: pick(meta.endian, msg.endian),
  } as PcmFormatHint;
}

/**
 * Whether a message ends its stream: msg.audio.final or msg.final when given; otherwise a WAV
 * payload does (a WAV file is a whole recording) and raw PCM does not.
 */
export function endsStream(msg: FlowAudioMessage): boolean {
  const declared = msg.audio?.final ?? msg.final;
  if (declared !== undefined) return declared === true;
  return msg.payload instanceof Uint8Array && looksLikeWav(msg.payload);
}

/** A message that only ends its stream: final, with no audio in it. */
export function isEndOnly(msg: FlowAudioMessage): boolean {
  const p = msg.payload as { length?: number } | null | undefined;
  return endsStream(msg) && (p === undefined || p === null || p.length === 0);
}
