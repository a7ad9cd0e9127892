import { ACTIVATIONS, EMOTIONS, EmotionPrediction, VALENCES } from '../messages';

/** What the router switches on: the four emotions, or one of the two binary tasks of the model. */
export type RoutingMode = 'emotion' | 'valence' | 'activation';

export const ROUTING_MODES: readonly RoutingMode[] = ['emotion', 'valence', 'activation'];

/** The label that stands for "no label is confident enough". */
export const UNCERTAIN = 'uncertain';

/** Class labels of a mode, in output order. */
export function modeLabels(mode: RoutingMode): readonly string[] {
  switch (mode) {
    case 'emotion':
      return EMOTIONS;
    case 'valence':
      return VALENCES;
    case 'activation':
      return ACTIVATIONS;
  }
}

function isProbability(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * The probabilities a prediction gives the labels of `mode`, in `modeLabels(mode)` order.
 * Throws a readable error when the prediction does not carry them (malformed input).
 */
export function modeProbabilities(prediction: EmotionPrediction, mode: RoutingMode): number[] {
  if (prediction === null || typeof prediction !== 'object') {
    throw new TypeError(`expected an EmotionPrediction object as payload, got ${describe(prediction)}`);
  }
  const source =
    mode === 'emotion'
      ? prediction.probabilities
      : mode === 'valence'
        ? prediction.valence?.probabilities
        : prediction.activation?.probabilities;
  const where = mode === 'emotion' ? 'probabilities' : `${mode}.probabilities`;
  if (source === null || typeof source !== 'object') {
    throw new TypeError(`prediction has no ${where} object (got ${describe(source)})`);
  }
  return modeLabels(mode).map((label) => {
    const value = (source as Record<string, unknown>)[label];
    if (!isProbability(value)) {
      throw new RangeError(`prediction ${where}.${label} must be a number in [0, 1], got ${String(value)}`);
    }
    return value;
  });
}
