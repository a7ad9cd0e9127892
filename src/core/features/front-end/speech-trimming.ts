/** 25 ms at 16 kHz: the frame over which speech trimming and speech power look at energy. */
export const TRIM_FRAME = 400;

/** Frames quieter than 40 dB below the loudest frame are silence (the original, clean-studio rule). */
const PEAK_RELATIVE = 1e-4;

export interface SpeechTrimmingOptions {
  frame?: number;
  /**
   * Frames must also be this many dB above the noise floor to count as speech. The floor is the
   * energy of the quietest `floorPercentile` of frames: in a studio clip that is digital near-silence,
   * far below the peak rule, so clean clips trim exactly as before; in a noisy room it is the noise,
   * which otherwise fills the silences and defeats a rule relative to the peak alone.
   */
  floorMarginDb?: number;
  floorPercentile?: number;
}

const DEFAULTS: Required<SpeechTrimmingOptions> = { frame: TRIM_FRAME, floorMarginDb: 3, floorPercentile: 0.1 };

/** Names the trimming rule in feature-cache keys ('silence-trimmed' was the peak-only rule's key). */
export function speechTrimmingKey(options: SpeechTrimmingOptions = {}): string {
  const { frame, floorMarginDb, floorPercentile } = { ...DEFAULTS, ...options };
  if (floorMarginDb === -Infinity && frame === TRIM_FRAME) return 'silence-trimmed';
  return `speech-trimmed(frame ${frame}, floor p${floorPercentile} +${floorMarginDb} dB)`;
}

/** Mean energy of consecutive non-overlapping frames. */
export function frameEnergies(samples: Float32Array, frame = TRIM_FRAME): number[] {
  const energies: number[] = [];
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let e = 0;
    for (let i = start; i < start + frame; i++) e += samples[i] * samples[i];
    energies.push(e / frame);
  }
  return energies;
}

/** The energy above which a frame is speech: 40 dB below the peak, and a margin above the noise floor. */
export function speechThreshold(energies: ArrayLike<number>, options: SpeechTrimmingOptions = {}): number {
  const { floorMarginDb, floorPercentile } = { ...DEFAULTS, ...options };
  let peak = 0;
  for (let i = 0; i < energies.length; i++) if (energies[i] > peak) peak = energies[i];
  if (energies.length === 0 || peak === 0) return 0;
  // energies are >= 0 and never NaN: a typed array's numeric sort orders them as (a, b) => a - b would
  const sorted = Float64Array.from(energies).sort();
  const floor = sorted[Math.floor(floorPercentile * (sorted.length - 1))];
  return Math.max(peak * PEAK_RELATIVE, floor * 10 ** (floorMarginDb / 10));
}

/**
 * The stretch [start, end) of samples from the first to the last speech frame by speechThreshold;
 * the whole input when no frame is speech.
 */
export function speechSpan(samples: Float32Array, options: SpeechTrimmingOptions = {}): { start: number; end: number } {
  const frame = options.frame ?? DEFAULTS.frame;
  return speechSpanOfEnergies(frameEnergies(samples, frame), samples.length, options);
}

/**
 * speechSpan of `length` samples from the mean energies of their consecutive frames (frameEnergies),
 * e.g. kept by a stream whose overlapping windows share frames.
 */
export function speechSpanOfEnergies(
  energies: ArrayLike<number>,
  length: number,
  options: SpeechTrimmingOptions = {},
): { start: number; end: number } {
  const frame = options.frame ?? DEFAULTS.frame;
  const threshold = speechThreshold(energies, options);
  let first = 0;
  while (first < energies.length && !(energies[first] > threshold)) first++;
  if (first === energies.length) return { start: 0, end: length };
  let last = energies.length - 1;
  while (last > first && energies[last] <= threshold) last--;
  return { start: first * frame, end: Math.min(length, (last + 1) * frame) };
}

/** 10 ms at 16 kHz: the step of the feature frames. */
const FEATURE_FRAME_STEP = 160;

/**
 * speechSpan with its start moved onto the 10 ms grid of the feature frames, so that the stretch's
 * frames are frames a stream has already analysed. Spans start on multiples of 400 samples, so the
 * start moves by 80 samples (5 ms) at most, forward: into the first speech frame rather than back
 * into the silence before it (on RAVDESS the shipped model's decisions moved less that way; see
 * scripts/compare-speech-only-windows.ts).
 */
export function speechSpanOnFrameGrid(samples: Float32Array, options: SpeechTrimmingOptions = {}): { start: number; end: number } {
  return onFeatureFrameGrid(speechSpan(samples, options));
}

/** A span's start moved forward onto the 10 ms grid of the feature frames (speechSpanOnFrameGrid). */
export function onFeatureFrameGrid({ start, end }: { start: number; end: number }): { start: number; end: number } {
  const offGrid = start % FEATURE_FRAME_STEP;
  return { start: offGrid === 0 ? start : start + FEATURE_FRAME_STEP - offGrid, end };
}

/** Cuts leading and trailing frames that are not speech by speechThreshold; returns the input if none is. */
export function trimSilence(samples: Float32Array, options: SpeechTrimmingOptions = {}): Float32Array {
  const { start, end } = speechSpan(samples, options);
  return start === 0 && end === samples.length ? samples : samples.slice(start, end);
}

/**
 * Mean power of the frames louder than 40 dB below the loudest: the speech power that signal-to-noise
 * ratios refer to (measured on the clean clip).
 */
export function activeSpeechPower(samples: Float32Array, frame = TRIM_FRAME): number {
  const energies = frameEnergies(samples, frame);
  let peak = 0;
  for (const e of energies) if (e > peak) peak = e;
  const active = energies.filter((e) => e > peak * PEAK_RELATIVE);
  return active.length ? active.reduce((a, b) => a + b, 0) / active.length : 0;
}

/** The rule before noise-floor awareness: relative to the loudest frame only (kept for comparisons). */
export const PEAK_ONLY_TRIMMING: SpeechTrimmingOptions = { floorMarginDb: -Infinity };
