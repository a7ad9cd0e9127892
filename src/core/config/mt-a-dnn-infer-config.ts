import { ConfigReader, type ConfigResult, MAX_STREAMS_LIMIT } from './config-result';

/** What the editor stores for an mt-a-dnn-infer node (numbers may arrive as strings). */
export interface MtADnnInferNodeConfig {
  /** id of an mt-a-dnn-model config node; empty = the shipped default model */
  model?: string;
  /** what to do with windows marked voiced: false */
  unvoiced?: string;
  attention?: boolean;
  maxBatch?: number | string;
  maxWait?: number | string;
  maxQueued?: number | string;
  maxStreams?: number | string;
  idleTimeout?: number | string;
  /** 'prediction' (default), or 'normalised-window': the window with its stream-normalised vector, for workers elsewhere */
  output?: string;
  /** with output 'normalised-window': seconds after which a window without a result is sent again; 0 = never */
  resendAfter?: number | string;
  /** with output 'normalised-window' and re-sending: windows kept until their result arrives */
  maxUnanswered?: number | string;
}

/** About 2 s of windows from 1000 streams at a 1 s hop: room for bursts, a bound on memory and on catching up. */
export const DEFAULT_MAX_QUEUED = 2000;
export const MAX_QUEUED_LIMIT = 1_000_000;

export interface MtADnnInferSettings {
  unvoiced: 'drop' | 'pass' | 'infer';
  attention: boolean;
  maxBatch: number;
  maxWaitMs: number;
  /** windows waiting for the model at most; beyond it the oldest is dropped */
  maxQueued: number;
  maxStreams: number;
  idleMs: number;
  output: 'prediction' | 'normalised-window';
  /** 0: windows are not kept for re-sending */
  resendAfterMs: number;
  maxUnanswered: number;
}

/** The mt-a-dnn-infer node's settings from its editor fields, or every problem with them. */
export function resolveMtADnnInferConfig(config: MtADnnInferNodeConfig): ConfigResult<MtADnnInferSettings> {
  const read = new ConfigReader();
  return read.result({
    unvoiced: read.oneOf(config.unvoiced, ['drop', 'pass', 'infer'] as const, 'drop', 'unvoiced windows'),
    attention: !!config.attention,
    maxBatch: read.integer(config.maxBatch, 64, 'max. batch', 1),
    maxWaitMs: read.number(config.maxWait, 0, 'max. wait (ms)', 0),
    maxQueued: read.integer(config.maxQueued, DEFAULT_MAX_QUEUED, 'max. queued windows', 1, MAX_QUEUED_LIMIT),
    maxStreams: read.integer(config.maxStreams, 1000, 'max. streams', 1, MAX_STREAMS_LIMIT),
    idleMs: 1000 * read.number(config.idleTimeout, 300, 'idle timeout (s)', 0.001),
    output: read.oneOf(config.output, ['prediction', 'normalised-window'] as const, 'prediction', 'output'),
    resendAfterMs: 1000 * read.number(config.resendAfter, 0, 're-send after (s)', 0),
    maxUnanswered: read.integer(config.maxUnanswered, 10_000, 'keep up to', 1, 1_000_000),
  });
}
