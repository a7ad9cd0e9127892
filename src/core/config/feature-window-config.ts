import { type FeatureWindowOptions, resolveFeatureWindowOptions } from '../features/feature-window-stream';
import type { StreamLimits } from '../features/feature-window-registry';
import { defaultThreadCount } from '../features/feature-window-pool';
import { ConfigReader, type ConfigResult, MAX_STREAMS_LIMIT } from './config-result';

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
  /** spread many streams' windows over the hop (default on) */
  staggerStreams?: boolean;
  maxStreams?: number | string;
  idleTimeout?: number | string;
  maxMemoryMB?: number | string;
  /** the most worker threads, opened as the load needs them: 'auto' (or empty) = the cores; 0: Node-RED's own thread; N */
  workers?: number | string;
  /** seconds a chunk may be late before it is dropped (0 = never) */
  lagBudget?: number | string;
  /** most megabytes of audio waiting for the worker threads */
  maxQueueMB?: number | string;
}

/** How the node spreads its work and sheds load. */
export interface FeatureWindowPoolSettings {
  threads: number;
  lagBudgetMs: number;
  maxQueuedBytes: number;
}

/** The most worker threads a node takes. */
export const MAX_WORKER_THREADS = 64;

export interface FeatureWindowSettings {
  window: FeatureWindowOptions;
  limits: StreamLimits;
  pool: FeatureWindowPoolSettings;
  sendUnvoiced: boolean;
}

/** The largest memory budget the node takes (64 GB: more than any machine it runs on needs). */
export const MAX_MEMORY_MB = 65536;

/** The feature-window node's settings from its editor fields, or every problem with them. */
export function resolveFeatureWindowConfig(config: FeatureWindowNodeConfig): ConfigResult<FeatureWindowSettings> {
  const read = new ConfigReader();
  const options = {
    profile: (config.profile || 'paper') as FeatureWindowOptions['profile'],
    windowSeconds: read.number(config.windowSeconds, 3, 'window length'),
    hopSeconds: read.number(config.hopSeconds, 1, 'hop'),
    minFinalSeconds: read.number(config.minFinalSeconds, 1, 'last partial window'),
    minSpeechRatio: read.number(config.minSpeechRatio, 0.2, 'minimum speech ratio'),
    voiceActivity: { thresholdDb: read.number(config.thresholdDb, -55, 'speech threshold'), minSpeechBandRatio: 0.3 },
    // the core's default (on: the shipped model was trained on speech-only clips) unless switched off
    ...(config.trimSilence === false ? { trimSilence: false } : {}),
    // on unless switched off: many streams started together would otherwise complete their windows together
    staggerStreams: config.staggerStreams !== false,
  };
  const maxStreams = read.integer(config.maxStreams, 1000, 'max. streams', 1, MAX_STREAMS_LIMIT);
  const idleSeconds = read.number(config.idleTimeout, 60, 'idle timeout (s)', 0);
  const maxMemoryMB = read.number(config.maxMemoryMB, 256, 'max. memory (MB)', 1, MAX_MEMORY_MB);
  const auto =
    config.workers === undefined ||
    config.workers === null ||
    String(config.workers).trim() === '' ||
    String(config.workers).trim() === 'auto';
  const threads = auto ? defaultThreadCount() : read.integer(config.workers, 0, 'worker threads', 0, MAX_WORKER_THREADS);
  const lagBudget = read.number(config.lagBudget, 2, 'lag budget (s)', 0, 3600);
  const maxQueueMB = read.number(config.maxQueueMB, 64, 'max. queue (MB)', 1, MAX_MEMORY_MB);
  // The window checks itself; only worth asking when its numbers are numbers.
  const window = read.problems.length
    ? resolveFeatureWindowOptions()
    : read.attempt(() => resolveFeatureWindowOptions(options), resolveFeatureWindowOptions());
  return read.result({
    window,
    limits: { maxStreams, idleSeconds, maxBytes: maxMemoryMB * 1024 * 1024 },
    pool: { threads, lagBudgetMs: lagBudget * 1000, maxQueuedBytes: maxQueueMB * 1024 * 1024 },
    sendUnvoiced: config.sendUnvoiced !== false,
  });
}
