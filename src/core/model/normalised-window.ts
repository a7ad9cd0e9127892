import type { FeatureWindowPayload } from '../messages';
import type { ClassifierInput } from './emotion-stream-classifier';

/**
 * The window an edge flow publishes for inference workers: the feature-window payload with its vector
 * replaced by the stream-normalised one (a plain array, so that it survives JSON and MQTT) and marked
 * `normalised`, so that a worker classifies it without per-stream state of its own.
 */
export function normalisedWindowOf(payload: unknown, input: ClassifierInput, vector: ArrayLike<number>): Partial<FeatureWindowPayload> {
  const window = payload !== null && typeof payload === 'object' && !ArrayBuffer.isView(payload) && !Array.isArray(payload) ? payload : {};
  return {
    speechRatio: input.voiced ? 1 : 0,
    seq: input.seq ?? 0,
    startSample: 0,
    endSample: 0,
    ...(window as Partial<FeatureWindowPayload>),
    streamId: input.streamId,
    ...(input.profile === undefined ? {} : { profile: input.profile }),
    start: input.start,
    end: input.end,
    voiced: input.voiced,
    vector: Array.from(vector),
    normalised: true,
  };
}
