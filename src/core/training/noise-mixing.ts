import { SeededRandom } from './seeded-random';
import { activeSpeechPower, trimSilence } from '../features/front-end/speech-trimming';

/** Background noises for augmentation and robustness tests. */
export type NoiseKind = 'white' | 'pink' | 'babble';

export function whiteNoise(length: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}

/** 1/f noise: white noise through Paul Kellet's economy pink filter (±0.5 dB above 40 Hz at 16 kHz is plenty here). */
export function pinkNoise(length: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < length; i++) {
    const w = rng.normal();
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  return out;
}

/**
 * Babble: several talkers at once, each speech-only clip looped from a random offset and scaled to
 * the same power, then summed. The caller chooses the talkers (never the test speakers in an evaluation).
 */
export function babbleNoise(length: number, talkers: Float32Array[], rng: SeededRandom): Float32Array {
  const out = new Float32Array(length);
  for (const clip of talkers) {
    const speech = trimSilence(clip);
    const power = activeSpeechPower(speech);
    if (speech.length === 0 || power === 0) continue;
    const gain = 1 / Math.sqrt(power);
    let j = Math.floor(rng.next() * speech.length);
    for (let i = 0; i < length; i++) {
      out[i] += gain * speech[j];
      if (++j === speech.length) j = 0;
    }
  }
  return out;
}

/**
 * speech + noise scaled so that the speech's active power (frames within 40 dB of the loudest)
 * is snrDb above the noise's mean power; clipped at full scale like a real converter.
 */
export function mixAtSnr(speech: Float32Array, noise: Float32Array, snrDb: number): Float32Array {
  if (noise.length < speech.length) throw new Error(`noise has ${noise.length} samples, speech ${speech.length}`);
  const speechPower = activeSpeechPower(speech);
  let noisePower = 0;
  for (let i = 0; i < speech.length; i++) noisePower += noise[i] * noise[i];
  noisePower /= Math.max(1, speech.length);
  const gain = noisePower > 0 ? Math.sqrt(speechPower / 10 ** (snrDb / 10) / noisePower) : 0;
  const out = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++) {
    const x = speech[i] + gain * noise[i];
    out[i] = x > 1 ? 1 : x < -1 ? -1 : x;
  }
  return out;
}
