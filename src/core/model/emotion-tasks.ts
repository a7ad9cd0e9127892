import { ACTIVATIONS, EMOTIONS, VALENCES, type Emotion } from '../messages';

/** The three tasks of MT-A-DNN and their classes, in the order of the model's outputs. */
export const TASKS = ['emotion', 'valence', 'activation'] as const;
export type TaskName = (typeof TASKS)[number];

export const TASK_CLASSES: Record<TaskName, readonly string[]> = {
  emotion: EMOTIONS,
  valence: VALENCES,
  activation: ACTIVATIONS,
};

/** The usual four-class mapping (Schuller et al. 2010), as in the paper and the corpus manifest. */
const VALENCE_OF: Record<Emotion, (typeof VALENCES)[number]> = {
  anger: 'negative',
  sadness: 'negative',
  happiness: 'positive',
  neutral: 'positive',
};
const ACTIVATION_OF: Record<Emotion, (typeof ACTIVATIONS)[number]> = {
  anger: 'high',
  happiness: 'high',
  neutral: 'low',
  sadness: 'low',
};

export function emotionIndex(label: string): number {
  const index = (EMOTIONS as readonly string[]).indexOf(label);
  if (index < 0) throw new Error(`unknown emotion "${label}" (expected one of ${EMOTIONS.join(', ')})`);
  return index;
}

/** Class index of each task for an emotion class index. */
export function taskLabelsOf(emotion: number): Record<TaskName, number> {
  const name = EMOTIONS[emotion];
  return {
    emotion,
    valence: VALENCES.indexOf(VALENCE_OF[name]),
    activation: ACTIVATIONS.indexOf(ACTIVATION_OF[name]),
  };
}

/** Accepts the corpus's spellings as well ('angry', 'happy', 'sad', 'calm' is not neutral). */
export function normaliseEmotionLabel(raw: string): Emotion | undefined {
  const label = raw.trim().toLowerCase();
  const aliases: Record<string, Emotion> = {
    anger: 'anger',
    angry: 'anger',
    ang: 'anger',
    happiness: 'happiness',
    happy: 'happiness',
    hap: 'happiness',
    joy: 'happiness',
    neutral: 'neutral',
    neu: 'neutral',
    sadness: 'sadness',
    sad: 'sadness',
  };
  return aliases[label];
}
