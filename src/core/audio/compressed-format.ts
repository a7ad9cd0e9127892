import { asciiAt } from './ascii-at';

/**
 * Names the compressed or non-WAV audio container some bytes start with (by their magic bytes,
 * not a file name), or undefined. A bare MPEG frame sync (0xFFE…) is only believed when
 * `allowFrameSync` is set: raw PCM often starts with those bytes (a sample of -1 is 0xFFFF), so
 * message payloads, which may be raw PCM, leave it off; files, which must be WAV anyway, turn it on.
 */
export function compressedFormatName(bytes: Uint8Array, options: { allowFrameSync?: boolean } = {}): string | undefined {
  const ascii = (start: number, length: number) => asciiAt(bytes, start, length);
  const head = ascii(0, 4);
  if (head.startsWith('ID3')) return 'MP3';
  if (head === 'OggS') return 'Ogg';
  if (head === 'fLaC') return 'FLAC';
  if (ascii(4, 4) === 'ftyp') return 'MP4/M4A';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'WebM/Matroska';
  if (head === 'FORM' && (ascii(8, 4) === 'AIFF' || ascii(8, 4) === 'AIFC')) return 'AIFF';
  if (head === 'caff') return 'CAF';
  if (ascii(0, 5) === '#!AMR') return 'AMR';
  if (head === 'RIFF') return 'a RIFF file that is not WAVE';
  if (options.allowFrameSync && bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
    // layer bits 00 are reserved in MPEG audio and used by AAC's ADTS header
    return (bytes[1] & 0x06) === 0 ? 'AAC' : 'MP3';
  }
  return undefined;
}
