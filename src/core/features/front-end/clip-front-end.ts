import { spectralSubtractionKey, subtractStationaryNoise } from './spectral-subtraction';
import { speechTrimmingKey, trimSilence, type SpeechTrimmingOptions } from './speech-trimming';

/** What is done to a whole clip's audio before its features, in training and at inference alike. */
export interface ClipFrontEnd {
  /** Spectral subtraction of the clip's stationary noise floor. */
  denoise?: boolean;
  /** Leading and trailing silence cut. */
  speechOnly?: boolean;
  trimming?: SpeechTrimmingOptions;
}

/** The model's front end from its metadata (older models have no denoise field: off). */
export function frontEndOf(metadata: { speechOnly?: boolean; denoise?: boolean }): ClipFrontEnd {
  return { denoise: !!metadata.denoise, speechOnly: !!metadata.speechOnly };
}

export function applyClipFrontEnd(samples: Float32Array, frontEnd: ClipFrontEnd): Float32Array {
  let out = frontEnd.denoise ? subtractStationaryNoise(samples) : samples;
  if (frontEnd.speechOnly) out = trimSilence(out, frontEnd.trimming);
  return out;
}

/** Names the front end in feature-cache keys ('' when it does nothing). */
export function clipFrontEndKey(frontEnd: ClipFrontEnd): string {
  return (frontEnd.denoise ? `+${spectralSubtractionKey()}` : '') + (frontEnd.speechOnly ? `+${speechTrimmingKey(frontEnd.trimming)}` : '');
}
