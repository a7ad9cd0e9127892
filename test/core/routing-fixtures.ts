import { EMOTIONS, Emotion, EmotionPrediction } from '../../src/core/messages';

/**
 * Builds an EmotionPrediction whose top emotion `emotion` has probability `confidence` and the
 * rest shared evenly; valence and activation follow the emotion as in the paper's mapping
 * (anger: negative/high, happiness: positive/high, neutral: positive/low, sadness: negative/low).
 */
export function prediction(emotion: Emotion, confidence: number, endMs: number, streamId = 'mic-1', windowMs = 1000): EmotionPrediction {
  const rest = (1 - confidence) / (EMOTIONS.length - 1);
  const probabilities = Object.fromEntries(EMOTIONS.map((e) => [e, e === emotion ? confidence : rest])) as Record<Emotion, number>;
  const negative = emotion === 'anger' || emotion === 'sadness';
  const high = emotion === 'anger' || emotion === 'happiness';
  return {
    streamId,
    emotion,
    confidence,
    probabilities,
    valence: {
      label: negative ? 'negative' : 'positive',
      probabilities: { negative: negative ? confidence : 1 - confidence, positive: negative ? 1 - confidence : confidence },
    },
    activation: {
      label: high ? 'high' : 'low',
      probabilities: { low: high ? 1 - confidence : confidence, high: high ? confidence : 1 - confidence },
    },
    start: endMs - windowMs,
    end: endMs,
  };
}

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
