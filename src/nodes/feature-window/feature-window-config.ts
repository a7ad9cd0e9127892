import { FeatureWindowOptions, resolveFeatureWindowOptions } from '../../core/features/feature-window-stream';
import { StreamLimits } from '../../core/features/feature-window-registry';

/** The node's editor properties (strings from the editor, numbers from flows written by hand). */
export interface FeatureWindowNodeConfig {
  profile?: string;
  windowSeconds?: number | string;
  hopSeconds?: number | string;
  minFinalSeconds?: number | string;
  minSpeechRatio?: number | string;
  thresholdDb?: number | string;
  sendUnvoiced?: boolean;
  trimSilence?: boolean;
  maxStreams?: number | string;
  idleTimeout?: number | string;
}

export interface FeatureWindowSettings {
  window: FeatureWindowOptions;
  limits: StreamLimits;
  sendUnvoiced: boolean;
}

function num(value: unknown, fallback: number, name: string): number {
  if (value === undefined || value === '' || value === null) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new RangeError(`${name} must be a number, got "${String(value)}"`);
  return n;
}

export function settingsFromConfig(config: FeatureWindowNodeConfig): FeatureWindowSettings {
  const window = resolveFeatureWindowOptions({
    profile: (config.profile || 'paper') as FeatureWindowOptions['profile'],
    windowSeconds: num(config.windowSeconds, 3, 'window length'),
    hopSeconds: num(config.hopSeconds, 1, 'hop'),
    minFinalSeconds: num(config.minFinalSeconds, 1, 'last partial window'),
    minSpeechRatio: num(config.minSpeechRatio, 0.2, 'minimum speech ratio'),
    voiceActivity: { thresholdDb: num(config.thresholdDb, -55, 'speech threshold'), minSpeechBandRatio: 0.3 },
    // the core's default (on: the shipped model was trained on speech-only clips) unless switched off
    ...(config.trimSilence === false ? { trimSilence: false } : {}),
  });
  const maxStreams = num(config.maxStreams, 1000, 'max streams');
  if (!Number.isInteger(maxStreams) || maxStreams < 1) throw new RangeError('max streams must be a whole number >= 1');
  const idleSeconds = num(config.idleTimeout, 60, 'idle timeout');
  if (idleSeconds < 0) throw new RangeError('idle timeout must be >= 0');
  return { window, limits: { maxStreams, idleSeconds }, sendUnvoiced: config.sendUnvoiced !== false };
}
