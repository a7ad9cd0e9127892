import { readFile } from 'node:fs/promises';
import { MODEL_SAMPLE_RATE } from './audio-chunk';
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

/**
 * Reads a WAV file and returns it as mono 16 kHz samples in [-1, 1]. A 16 kHz 16-bit mono file
 * comes back exactly as int16 / 32768.
 */
export async function loadAudioFileAs16kMono(path: string): Promise<Float32Array> {
  const decoded = decodeWav(await readFile(path));
  return toMonoAtRate(decoded.channels, decoded.sampleRate);
}
