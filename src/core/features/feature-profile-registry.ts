import { FeatureProfile, isFeatureProfileName, PAPER_PROFILE } from './feature-profile';
import { EXTENDED_PROFILE } from './extended-profile';

/** The feature profile called `name`; throws on an unknown name. */
export function getFeatureProfile(name: string): FeatureProfile {
  if (!isFeatureProfileName(name)) {
    throw new Error(`unknown feature profile "${name}" (known: paper, extended)`);
  }
  return name === 'paper' ? PAPER_PROFILE : EXTENDED_PROFILE;
}
export { FEATURE_PROFILE_NAMES, isFeatureProfileName } from './feature-profile';

/** The feature profile whose vectors have `length` values; throws if none has. */
export function featureProfileOfLength(length: number): FeatureProfile {
  const profile = [PAPER_PROFILE, EXTENDED_PROFILE].find((p) => p.vectorLength === length);
  if (!profile) throw new Error(`no feature profile has ${length}-value vectors (paper: 68, extended: ${EXTENDED_PROFILE.vectorLength})`);
  return profile;
}
