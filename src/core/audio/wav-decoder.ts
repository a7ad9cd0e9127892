import type { DecodedAudio } from './audio-chunk';
import { AudioFormatError } from './audio-format-error';
import { asciiAt } from './ascii-at';
import { decodePcm, type PcmEncoding, validatePcmFormat } from './pcm-decoder';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Streaming writers (arecord, sox to a pipe) leave these sizes in place of the real length. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

export interface WavHeader {
  sampleRate: number;
  channels: number;
  bits: number;
  encoding: PcmEncoding;
  /** Byte offset and length of the sample data inside the buffer. */
  dataOffset: number;
  dataLength: number;
}

export function looksLikeWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && asciiAt(bytes, 0, 4) === 'RIFF' && asciiAt(bytes, 8, 4) === 'WAVE';
}

/**
 * Reads a RIFF/WAVE header. Hand-written rather than a library because every size field is
 * checked against the bytes actually present before anything is allocated (fuzzed and hostile
 * input must fail with a clear message, never allocate what a header claims), and unknown chunks
 * (LIST, fact, bext, ...) with their pad byte are skipped.
 */
export function readWavHeader(bytes: Uint8Array): WavHeader {
  if (bytes.length < 12) throw new AudioFormatError(`not a WAV file: only ${bytes.length} bytes`);
  if (!looksLikeWav(bytes)) {
    throw new AudioFormatError(`not a WAV file: starts with "${printable(bytes.subarray(0, 4))}" instead of RIFF....WAVE`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<WavHeader, 'dataOffset' | 'dataLength'> | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = asciiAt(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const available = bytes.length - body;
    if (id === 'fmt ') {
      if (size < 16 || size > available) {
        throw new AudioFormatError(`WAV fmt chunk has size ${size}, needs 16 or more within the ${available} bytes left`);
      }
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (!format) throw new AudioFormatError('WAV data chunk comes before the fmt chunk that describes it');
      let length = size;
      if (size > available) {
        if (!UNKNOWN_SIZES.has(size)) {
          throw new AudioFormatError(
            `WAV data chunk claims ${size} bytes but only ${available} follow: the file is truncated or its header is corrupt`,
          );
        }
        length = available;
      } else if (size === 0) {
        length = available;
      }
      const frameBytes = (format.bits / 8) * format.channels;
      length -= length % frameBytes;
      if (length === 0) throw new AudioFormatError('WAV file has no audio: its data chunk is empty');
      return { ...format, dataOffset: body, dataLength: length };
    }
    if (size > available) {
      throw new AudioFormatError(
        `WAV chunk "${printable(bytes.subarray(offset, offset + 4))}" claims ${size} bytes but only ${available} follow`,
      );
    }
    offset = body + size + (size & 1);
  }
  throw new AudioFormatError(format ? 'WAV file has no data chunk' : 'WAV file has no fmt chunk');
}

function readFormat(view: DataView, at: number, size: number): Omit<WavHeader, 'dataOffset' | 'dataLength'> {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw new AudioFormatError(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, needs 40`);
    tag = view.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  let encoding: PcmEncoding;
  if (tag === WAVE_FORMAT_PCM) encoding = bits === 8 ? 'unsigned-integer' : 'signed-integer';
  else if (tag === WAVE_FORMAT_IEEE_FLOAT) encoding = 'floating-point';
  else {
    throw new AudioFormatError(
      `WAV format tag 0x${tag.toString(16).padStart(4, '0')} is compressed or unknown; only PCM and IEEE float are supported`,
    );
  }
  validatePcmFormat({ sampleRate, channels, bits, encoding });
  return { sampleRate, channels, bits, encoding };
}

/** Decodes a whole WAV file held in memory. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  const header = readWavHeader(bytes);
  const data = bytes.subarray(header.dataOffset, header.dataOffset + header.dataLength);
  return { sampleRate: header.sampleRate, channels: decodePcm(data, header) };
}

function printable(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
}
