// The benchmarks' audio: RAVDESS clips (16 kHz) in manifest order until `seconds` of audio, and the same
// clips back to back as one stream, as a microphone would give them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { FULL_DATA } from '../../test/helpers/corpus';

export interface RavdessSpeech {
  clips: Float32Array[];
  /** the clips back to back */
  stream: Float32Array;
  seconds: number;
}

export async function loadRavdessSpeech(seconds: number, corpus = FULL_DATA.corpus16k): Promise<RavdessSpeech> {
  const paths = readFileSync(join(corpus, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
  const clips: Float32Array[] = [];
  let samples = 0;
  for (const path of paths) {
    if (samples >= seconds * 16000) break;
    const clip = await loadAudioFileAs16kMono(join(corpus, path));
    clips.push(clip);
    samples += clip.length;
  }
  const stream = new Float32Array(samples);
  let at = 0;
  for (const clip of clips) {
    stream.set(clip, at);
    at += clip.length;
  }
  return { clips, stream, seconds: samples / 16000 };
}

/** The speech as 16-bit PCM, as audio-source sends it. */
export function speechAsPcm16(speech: RavdessSpeech): Int16Array {
  return Int16Array.from(speech.stream, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
}

/** 250 ms at 16 kHz: audio-source's chunk. */
export const CHUNK_SAMPLES = 4000;

/**
 * Chunk `index` of stream `stream` when many streams play `pcm` for `seconds`: each stream its own stretch of the
 * speech, so that streams started together do not carry the same audio.
 */
export function streamChunk(pcm: Int16Array, stream: number, index: number, seconds: number): Int16Array {
  const span = pcm.length - seconds * 16000;
  const at = ((stream * 7919 * CHUNK_SAMPLES) % span) + index * CHUNK_SAMPLES;
  return pcm.slice(at, at + CHUNK_SAMPLES);
}
