import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { MODEL_SAMPLE_RATE } from './audio-chunk';
import { AudioFileError } from './audio-file-error';
import { AudioFormatError } from './audio-format-error';
import { compressedFormatName } from './compressed-format';
import { downmixToMono } from './downmix';
import { SincResampler } from './sinc-resampler';
import { decodeWav } from './wav-decoder';

/** Converts decoded audio of any rate and channel count to mono at `outputRate` (16 kHz by default). */
export function toMonoAtRate(channels: Float32Array[], sampleRate: number, outputRate = MODEL_SAMPLE_RATE): Float32Array {
  const mono = downmixToMono(channels);
  if (sampleRate === outputRate) return mono;
  const resampler = new SincResampler(sampleRate, outputRate);
  const head = resampler.process(mono);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

const FILE_SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'no such file (a part of the path is not a folder)',
};

/** The two commands that turn `file` into a 16 kHz mono WAV beside it. */
export function conversionHint(file: string): string {
  const name = basename(file);
  const ext = extname(name);
  // a non-WAV file named .wav must not be told to overwrite itself
  const wav = `${basename(name, ext)}${ext.toLowerCase() === '.wav' ? '-converted' : ''}.wav`;
  return `convert it with: sox ${name} -r 16000 -c 1 ${wav} (or: ffmpeg -i ${name} -ar 16000 -ac 1 ${wav})`;
}

/**
 * Reads a WAV file and returns it as mono 16 kHz samples in [-1, 1]. A 16 kHz 16-bit mono file
 * comes back exactly as int16 / 32768. Throws an AudioFileError naming the file when it is missing,
 * unreadable or not a WAV file (saying what it is instead when its first bytes tell).
 */
export async function loadAudioFileAs16kMono(path: string): Promise<Float32Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioFileError(path, (code && FILE_SYSTEM_REASONS[code]) ?? (err as Error).message);
  }
  let decoded;
  try {
    decoded = decodeWav(bytes);
  } catch (err) {
    if (!(err instanceof AudioFormatError)) throw err;
    const format = compressedFormatName(bytes, { allowFrameSync: true });
    throw new AudioFileError(path, format ? `not a WAV file (${format}): ${conversionHint(path)}` : err.message);
  }
  return toMonoAtRate(decoded.channels, decoded.sampleRate);
}
