import type { DecodedAudio } from './audio-chunk';
import { AudioFormatError } from './audio-format-error';
import { compressedFormatName } from './compressed-format';
import { describeInput } from './describe-input';
import { decodePcm, type PcmEncoding, type PcmFormat, validatePcmFormat } from './pcm-decoder';
import { decodeWav, looksLikeWav } from './wav-decoder';
import { MODEL_SAMPLE_RATE } from './audio-chunk';
import { pcm16View } from './pcm16';

/** A raw PCM description as it may arrive on a message; every field optional until checked. */
export interface PcmFormatHint {
  sampleRate?: unknown;
  channels?: unknown;
  bits?: unknown;
  encoding?: unknown;
  endian?: unknown;
}

/**
 * Turns what a flow sends as audio into decoded samples: a WAV file (Buffer), raw PCM (Buffer) with
 * its format, or float samples (Float32Array / number[]) with their sample rate. Throws an
 * AudioFormatError that says what was received and what was expected.
 */
export function decodeAudioPayload(payload: unknown, hint: PcmFormatHint): DecodedAudio {
  if (payload instanceof Uint8Array) {
    if (payload.length === 0) throw new AudioFormatError('audio payload is empty (0 bytes)');
    if (looksLikeWav(payload)) return decodeWav(payload);
    const compressed = compressedFormatName(payload);
    if (compressed) {
      throw new AudioFormatError(
        `payload looks like ${compressed}, which is not decoded here: send WAV or raw PCM (e.g. convert with "sox in out.wav")`,
      );
    }
    const format = pcmFormatFromHint(hint);
    return { sampleRate: format.sampleRate, channels: decodePcm(payload, format) };
  }
  if (payload instanceof Float32Array || payload instanceof Float64Array || Array.isArray(payload)) {
    const sampleRate = Number(hint.sampleRate);
    const samples = Float32Array.from(payload as ArrayLike<number>);
    if (samples.length === 0) throw new AudioFormatError('audio payload is an empty array');
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i]))
        throw new AudioFormatError(`sample ${i} is ${String((payload as ArrayLike<unknown>)[i])}: float audio must be finite numbers`);
    }
    validatePcmFormat({ sampleRate, channels: 1, bits: 32, encoding: 'floating-point' });
    return { sampleRate, channels: [samples] };
  }
  throw new AudioFormatError(
    `audio payload is ${describeInput(payload)}; expected a Buffer (WAV file or raw PCM) or an array of float samples`,
  );
}

/**
 * Raw PCM that needs no conversion (16 kHz mono signed 16-bit little-endian, as a microphone at
 * 16 kHz or another audio-source sends it) as an Int16Array view of the payload; undefined for
 * anything else, which decodeAudioPayload then decodes (or refuses with its reason).
 */
export function passThroughPcm16(payload: unknown, hint: PcmFormatHint): Int16Array | undefined {
  if (!(payload instanceof Uint8Array) || payload.length === 0 || payload.length % 2 !== 0) return undefined;
  const { sampleRate, channels, bits, encoding, endian } = hint;
  if (Number(sampleRate) !== MODEL_SAMPLE_RATE || Number(channels) !== 1 || Number(bits) !== 16) return undefined;
  if (encoding !== 'signed-integer' || (endian !== undefined && endian !== 'little')) return undefined;
  if (looksLikeWav(payload) || compressedFormatName(payload) !== undefined) return undefined;
  return pcm16View(payload);
}

function pcmFormatFromHint(hint: PcmFormatHint): Required<PcmFormat> {
  const missing = (['sampleRate', 'channels', 'bits', 'encoding'] as const).filter((k) => hint[k] === undefined || hint[k] === '');
  if (missing.length > 0) {
    throw new AudioFormatError(
      `raw PCM payload without ${missing.join(', ')}: set them on the message (msg.rate, msg.channels, msg.bits, msg.encoding) or in the node`,
    );
  }
  return validatePcmFormat({
    sampleRate: Number(hint.sampleRate),
    channels: Number(hint.channels),
    bits: Number(hint.bits),
    encoding: String(hint.encoding) as PcmEncoding,
    endian: hint.endian === undefined ? 'little' : (String(hint.endian) as 'little' | 'big'),
  });
}
