import { FeatureProfile } from './feature-profile';

// placeholder until the extended extractor lands
export const EXTENDED_PROFILE: FeatureProfile = {
  name: 'extended',
  featureNames: [],
  vectorNames: [],
  vectorLength: 0,
  clipVector: () => {
    throw new Error('the extended feature profile is not available yet');
  },
};
