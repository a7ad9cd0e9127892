import { clipVectorNames, PAPER_FEATURE_NAMES } from './feature-names';
import { paperClipVector } from './paper-features';

/** A named way of turning a 16 kHz clip into a fixed-length vector; models record the name they were trained on. */
export interface FeatureProfile {
  name: FeatureProfileName;
  /** the short-term (per-frame or per-clip) quantities summarised in the vector */
  featureNames: string[];
  /** names of the vector's entries, in order */
  vectorNames: string[];
  vectorLength: number;
  /** the clip vector of samples (16 kHz mono in [-1, 1]) taken as one clip */
  clipVector(samples16k: Float32Array): Float64Array;
}

export type FeatureProfileName = 'paper' | 'extended';
export const FEATURE_PROFILE_NAMES: readonly FeatureProfileName[] = ['paper', 'extended'];

/** Raised when a vector of one profile meets a model (or stage) that expects another. */
export class FeatureProfileMismatchError extends Error {
  constructor(expected: string, actual: string) {
    super(
      `feature profile mismatch: the model expects "${expected}" vectors but got "${actual}"; ` +
        `set the feature-window node's profile to "${expected}"`,
    );
    this.name = 'FeatureProfileMismatchError';
  }
}

/** Throws FeatureProfileMismatchError unless the vector's profile is the one expected. */
export function assertFeatureProfile(expected: string, actual: string): void {
  if (expected !== actual) throw new FeatureProfileMismatchError(expected, actual);
}

export const PAPER_PROFILE: FeatureProfile = Object.freeze({
  name: 'paper' as const,
  featureNames: [...PAPER_FEATURE_NAMES],
  vectorNames: clipVectorNames(PAPER_FEATURE_NAMES),
  vectorLength: 68,
  clipVector: (samples16k: Float32Array) => paperClipVector(samples16k),
});

export function isFeatureProfileName(name: unknown): name is FeatureProfileName {
  return typeof name === 'string' && (FEATURE_PROFILE_NAMES as readonly string[]).includes(name);
}
