import { SeededRandom } from './seeded-random';

/** A room and a recording device, imitated on 16 kHz audio for training augmentation. */
export interface RoomDevice {
  /** Reverberation time: seconds for the reverberant tail to fall by 60 dB. */
  rt60: number;
  /** Share of reverberant sound in the mix (0 = dry, as close to the microphone as a studio). */
  wet: number;
  /** Corner of the device's second-order high-pass (small loudspeakers and microphones lose the bass). */
  highPassHz: number;
  /** Corner of the device's second-order low-pass (telephone and cheap microphones lose the treble). */
  lowPassHz: number;
}

export const SAMPLE_RATE = 16000;
// Schroeder's reverberator: parallel feedback combs with mutually prime delays, then two all-passes.
const COMB_DELAYS_S = [0.0297, 0.0371, 0.0411, 0.0437];
const ALLPASS = [
  { delayS: 0.005, gain: 0.7 },
  { delayS: 0.0017, gain: 0.7 },
];

/** Draws a room and device: RT60 0.2–0.9 s, 15–60% wet, high-pass 60–400 Hz, low-pass 3.4–7.6 kHz. */
export function drawRoomDevice(rng: SeededRandom): RoomDevice {
  const between = (low: number, high: number) => low + rng.next() * (high - low);
  return {
    rt60: round(between(0.2, 0.9), 2),
    wet: round(between(0.15, 0.6), 2),
    highPassHz: Math.round(between(60, 400)),
    lowPassHz: Math.round(between(3400, 7600)),
  };
}

/** The samples as heard in that room through that device, scaled back to the input's peak. */
export function simulateRoomDevice(samples: Float32Array, condition: RoomDevice): Float32Array {
  const reverberant = schroederReverb(samples, condition.rt60);
  const mixed = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) mixed[i] = (1 - condition.wet) * samples[i] + condition.wet * reverberant[i];
  const filtered = biquad(biquad(mixed, highPass(condition.highPassHz)), lowPass(condition.lowPassHz));
  return scaleToPeak(filtered, peakOf(samples));
}

/** The reverberant part alone (no direct sound), its tail falling by 60 dB in rt60 seconds. */
export function schroederReverb(samples: Float32Array, rt60: number): Float32Array {
  const out = new Float32Array(samples.length);
  for (const delayS of COMB_DELAYS_S) {
    const delay = Math.round(delayS * SAMPLE_RATE);
    const feedback = 10 ** ((-3 * delayS) / rt60);
    const line = new Float32Array(delay);
    let at = 0;
    for (let i = 0; i < samples.length; i++) {
      const y = samples[i] + feedback * line[at];
      line[at] = y;
      at = at + 1 === delay ? 0 : at + 1;
      out[i] += y / COMB_DELAYS_S.length;
    }
  }
  let signal = out;
  for (const { delayS, gain } of ALLPASS) {
    const delay = Math.round(delayS * SAMPLE_RATE);
    const line = new Float32Array(delay);
    const next = new Float32Array(signal.length);
    let at = 0;
    for (let i = 0; i < signal.length; i++) {
      const delayed = line[at];
      const v = signal[i] + gain * delayed;
      next[i] = delayed - gain * v;
      line[at] = v;
      at = at + 1 === delay ? 0 : at + 1;
    }
    signal = next;
  }
  return signal;
}

interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Butterworth (Q = 1/√2) low-pass from the Audio EQ Cookbook (R. Bristow-Johnson). */
export function lowPass(cornerHz: number): BiquadCoefficients {
  const { cos, alpha } = cookbookTerms(cornerHz);
  return normalised((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

/** Butterworth (Q = 1/√2) high-pass from the Audio EQ Cookbook. */
export function highPass(cornerHz: number): BiquadCoefficients {
  const { cos, alpha } = cookbookTerms(cornerHz);
  return normalised((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
}

export function biquad(samples: Float32Array, c: BiquadCoefficients): Float32Array {
  const out = new Float32Array(samples.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i];
    const y = c.b0 * x + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    out[i] = y;
  }
  return out;
}

function cookbookTerms(cornerHz: number) {
  const w0 = (2 * Math.PI * cornerHz) / SAMPLE_RATE;
  return { cos: Math.cos(w0), alpha: Math.sin(w0) / (2 * Math.SQRT1_2) };
}

function normalised(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): BiquadCoefficients {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  return peak;
}

function scaleToPeak(samples: Float32Array, peak: number): Float32Array {
  const current = peakOf(samples);
  if (current === 0) return samples;
  const gain = peak / current;
  return samples.map((s) => s * gain);
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
