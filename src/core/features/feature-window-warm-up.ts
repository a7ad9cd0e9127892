import { FeatureWindowRegistry } from './feature-window-registry';
import { FeatureWindow, FeatureWindowOptions } from './feature-window-stream';

const SAMPLE_RATE = 16000;
const CHUNK_SAMPLES = 4000;
const SHORT_WINDOW_SECONDS = 0.5;
const SHORT_HOP_SECONDS = 0.05;

/**
 * Runs `seconds` of synthetic speech-like audio (16-bit PCM in 250 ms chunks, as audio-source sends it) through a
 * throwaway registry with these options, so that a new feature thread's first real windows do not run cold code.
 * Streams started together (one deploy) complete their first windows together. Measured on 100 such streams
 * (`npx tsx scripts/bench/first-windows.ts`, CPU ms of each second's window-completing chunks): cold, the first
 * windows 142-178 ms and the next five seconds 373-567 ms together; after this warm-up 90-107 ms and 271-282 ms;
 * the warm-up costs 173-190 ms once. The stream is not ended: warming the end-aligned last window as well made the
 * first real windows slower (144-158 ms against 96-104 ms, measured with 4.5 s of warm-up audio, the stream ended).
 * Returns the windows it computed.
 */
export function warmUpFeatureWindows(options: FeatureWindowOptions, seconds = 4): FeatureWindow[] {
  const samples = speechLikePcm(seconds);
  const windows = windowsOf(options, samples);
  // The window code runs once per window: the two windows above leave it unoptimised, and the first real windows of
  // many streams started together ran it at about half speed. Short windows close together run it often, cheaply:
  // 100 streams' first windows 94-103 → 58-67 CPU ms, for 217-258 ms of warm-up instead of 123-132 (first-windows.ts,
  // 3 runs each; 0.5 s windows every 25 ms gave 55-60 ms for 245-354 ms).
  const short = { ...options, windowSeconds: SHORT_WINDOW_SECONDS, hopSeconds: SHORT_HOP_SECONDS };
  windowsOf(short, samples);
  return windows;
}

function windowsOf(options: FeatureWindowOptions, samples: Int16Array): FeatureWindow[] {
  const registry = new FeatureWindowRegistry(options, { maxStreams: 1, idleSeconds: 60, maxBytes: 16 * 1024 * 1024 });
  try {
    const windows: FeatureWindow[] = [];
    for (let at = 0; at < samples.length; at += CHUNK_SAMPLES) {
      const end = Math.min(at + CHUNK_SAMPLES, samples.length);
      windows.push(...registry.push('warm-up', samples.slice(at, end), undefined, false));
    }
    return windows;
  } finally {
    registry.dispose();
  }
}

/**
 * Half-second syllables of a harmonic tone with a little noise, separated by near silence, so that both the
 * speech trimming and the windows' statistics run; deterministic.
 */
function speechLikePcm(seconds: number): Int16Array {
  const samples = new Int16Array(Math.round(seconds * SAMPLE_RATE));
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x80000000 - 1;
  };
  for (let i = 0; i < samples.length; i++) {
    const t = i / SAMPLE_RATE;
    const syllable = Math.sin(Math.PI * ((t * 2) % 1)) ** 2 * (Math.floor(t * 2) % 3 === 2 ? 0.01 : 1);
    const f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    let voiced = 0;
    for (let h = 1; h <= 5; h++) voiced += Math.sin(2 * Math.PI * f0 * h * t) / h;
    samples[i] = Math.round(6000 * syllable * (voiced + 0.2 * noise()));
  }
  return samples;
}
