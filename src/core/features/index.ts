/** pyAudioAnalysis-exact short-term features, clip vectors, feature profiles and streaming windows. */
export { PAPER_FEATURE_NAMES, PAPER_FEATURE_COUNT, clipVectorNames } from './feature-names';
export { paperShortTermFeatures, paperClipVector, paperShortTermMatrix } from './paper-features';
export { referenceShortTermFeatures } from './reference-short-term-features';
export { clipVectorOf, meanAndStd } from './clip-vector';
export {
  FeatureProfile,
  FeatureProfileName,
  FEATURE_PROFILE_NAMES,
  FeatureProfileMismatchError,
  assertFeatureProfile,
  isFeatureProfileName,
} from './feature-profile';
export { getFeatureProfile } from './feature-profile-registry';
export { frameCount, FRAME_LENGTH, FRAME_STEP, SAMPLE_RATE as FEATURE_SAMPLE_RATE } from './pyaudioanalysis-constants';
export {
  FeatureWindow,
  FeatureWindowOptions,
  FeatureWindowStream,
  DEFAULT_FEATURE_WINDOW_OPTIONS,
  resolveFeatureWindowOptions,
  STAGGER_FROM_STREAMS,
  WINDOW_PHASE_STEP,
} from './feature-window-stream';
export { FeatureWindowRegistry, StreamLimits, DEFAULT_STREAM_LIMITS } from './feature-window-registry';
export { featureWindows } from './feature-window-operator';
export { VoiceActivityOptions, DEFAULT_VOICE_ACTIVITY } from './voice-activity';
export { EXTENDED_ADDED_NAMES, extendedWindowStatistics } from './extended-profile';
export { YinPitchTracker } from './yin-pitch';
