import { toMonoAtRate } from '../audio/load-audio-file';
import { SeededRandom } from './seeded-random';
import { activeSpeechPower, trimSilence } from '../features/front-end/speech-trimming';

/** Living-room conditions the shipped model is evaluated under (see docs/evaluation.md). */
export type PerturbationName = 'clean' | 'noise-20db' | 'noise-10db' | 'gain+12db' | 'gain-12db' | 'silence-trimmed' | 'band-8khz';

export const PERTURBATIONS: PerturbationName[] = [
  'clean',
  'noise-20db',
  'noise-10db',
  'gain+12db',
  'gain-12db',
  'silence-trimmed',
  'band-8khz',
];

/** Applies one perturbation to 16 kHz mono samples; the seed makes the noise repeatable per clip. */
export function perturbAudio(samples: Float32Array, name: PerturbationName, seed = 1): Float32Array {
  switch (name) {
    case 'clean':
      return samples;
    case 'noise-20db':
      return addWhiteNoise(samples, 20, seed);
    case 'noise-10db':
      return addWhiteNoise(samples, 10, seed);
    case 'gain+12db':
      return applyGain(samples, 12);
    case 'gain-12db':
      return applyGain(samples, -12);
    case 'silence-trimmed':
      return trimSilence(samples);
    case 'band-8khz':
      return bandLimitTo8k(samples);
    default:
      throw new Error(`unknown perturbation ${String(name)}`);
  }
}

/** White Gaussian noise at the given SNR relative to the power of the speech (frames above -40 dB of the loudest). */
export function addWhiteNoise(samples: Float32Array, snrDb: number, seed: number): Float32Array {
  const speechPower = activeSpeechPower(samples);
  const noiseStd = Math.sqrt(speechPower / 10 ** (snrDb / 10));
  const rng = new SeededRandom(seed);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = clip(samples[i] + noiseStd * rng.normal());
  return out;
}

/** Gain in dB with hard clipping at full scale, as a real ADC would. */
export function applyGain(samples: Float32Array, db: number): Float32Array {
  const g = 10 ** (db / 20);
  return samples.map((s) => clip(s * g));
}

/** Telephone-like bandwidth: down to 8 kHz and back up to 16 kHz with the package's resampler. */
export function bandLimitTo8k(samples: Float32Array): Float32Array {
  const narrow = toMonoAtRate([samples], 16000, 8000);
  const back = toMonoAtRate([narrow], 8000, 16000);
  if (back.length === samples.length) return back;
  const out = new Float32Array(samples.length);
  out.set(back.subarray(0, Math.min(back.length, samples.length)));
  return out;
}

function clip(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}
