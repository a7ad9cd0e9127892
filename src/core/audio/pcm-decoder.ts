import { AudioFormatError } from './audio-format-error';

export type PcmEncoding = 'signed-integer' | 'unsigned-integer' | 'floating-point';

export interface PcmFormat {
  sampleRate: number;
  channels: number;
  bits: number;
  encoding: PcmEncoding;
  /** Default little. */
  endian?: 'little' | 'big';
}

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192000;
export const MAX_CHANNELS = 8;

/** Checks a PCM description and returns it normalised, or throws an AudioFormatError saying what is off. */
export function validatePcmFormat(format: PcmFormat): Required<PcmFormat> {
  const { sampleRate, channels, bits, encoding } = format;
  const endian = format.endian ?? 'little';
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioFormatError(`sample rate ${sampleRate} is not an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new AudioFormatError(`channel count ${channels} is not from 1 to ${MAX_CHANNELS}`);
  }
  if (endian !== 'little' && endian !== 'big') throw new AudioFormatError(`endianness "${endian}" is not little or big`);
  const ok =
    (encoding === 'signed-integer' && [8, 16, 24, 32].includes(bits)) ||
    (encoding === 'unsigned-integer' && bits === 8) ||
    (encoding === 'floating-point' && (bits === 32 || bits === 64));
  if (!ok) {
    throw new AudioFormatError(
      `unsupported PCM encoding ${encoding} at ${bits} bits (supported: signed-integer 8/16/24/32, unsigned-integer 8, floating-point 32/64)`,
    );
  }
  return { sampleRate, channels, bits, encoding, endian };
}

/**
 * De-interleaves PCM bytes into one Float32Array per channel, scaled to [-1, 1].
 * Float input must be finite: NaN or infinity is an error, not silence, so a broken source is noticed.
 */
export function decodePcm(bytes: Uint8Array, format: PcmFormat): Float32Array[] {
  const { channels, bits, encoding, endian } = validatePcmFormat(format);
  const bytesPerSample = bits / 8;
  const frameBytes = bytesPerSample * channels;
  if (bytes.length % frameBytes !== 0) {
    throw new AudioFormatError(
      `PCM data of ${bytes.length} bytes is not a whole number of ${channels}-channel ${bits}-bit frames (${frameBytes} bytes each)`,
    );
  }
  const frames = bytes.length / frameBytes;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = endian === 'little';
  const read = sampleReader(view, bits, encoding, little);
  for (let f = 0, offset = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++, offset += bytesPerSample) {
      const value = read(offset);
      if (!Number.isFinite(value)) {
        throw new AudioFormatError(`sample ${f} of channel ${c + 1} is ${value}: float audio must be finite`);
      }
      out[c][f] = value;
    }
  }
  return out;
}

function sampleReader(view: DataView, bits: number, encoding: PcmEncoding, little: boolean): (offset: number) => number {
  if (encoding === 'floating-point') {
    return bits === 32 ? (o) => view.getFloat32(o, little) : (o) => view.getFloat64(o, little);
  }
  if (encoding === 'unsigned-integer') return (o) => (view.getUint8(o) - 128) / 128;
  switch (bits) {
    case 8:
      return (o) => view.getInt8(o) / 128;
    case 16:
      return (o) => view.getInt16(o, little) / 32768;
    case 24:
      return little
        ? (o) => (view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608
        : (o) => ((view.getInt8(o) << 16) | (view.getUint8(o + 1) << 8) | view.getUint8(o + 2)) / 8388608;
    default:
      return (o) => view.getInt32(o, little) / 2147483648;
  }
}
