import { emotionIndex } from '../../src/core/model/emotion-tasks';
import type { LabelledVectors } from '../../src/core/training/labelled-vectors';
import { MODEL_FORMAT, type ModelMetadata } from '../../src/core/model/model-metadata';
import type { TrainedNetwork } from '../../src/core/training/train-mt-a-dnn';
import type { TrainingOptions } from '../../src/core/training/training-options';
import { EMOTIONS } from '../../src/core/messages';
import { goldenCases } from '../helpers/corpus';

const EMOTION_CODES: Record<string, string> = { '01': 'neutral', '03': 'happiness', '04': 'sadness', '05': 'anger' };

/** The real RAVDESS golden clips (one per actor: 24, or 4 in the fixtures) with pyAudioAnalysis's own clip vectors. */
export function goldenRavdessVectors(): LabelledVectors & { files: string[] } {
  const cases = goldenCases().filter((c) => c.name.startsWith('ravdess_'));
  const data = {
    vectors: [] as number[][],
    labels: [] as number[],
    speakers: [] as string[],
    clips: [] as string[],
    files: cases.map((c) => c.name),
  };
  for (const c of cases) {
    const parts = c.name.split('-');
    data.vectors.push(c.clipVector);
    data.labels.push(emotionIndex(EMOTION_CODES[parts[2]]));
    data.speakers.push(parts[6]);
    data.clips.push(c.name);
  }
  return data;
}

/** The metadata of a test net trained on the 24 golden RAVDESS vectors. */
export function goldenNetMetadata(net: TrainedNetwork, options: TrainingOptions): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    formatVersion: 1,
    packageVersion: 'test',
    createdAt: new Date().toISOString(),
    classes: { emotion: [...EMOTIONS], valence: ['negative', 'positive'], activation: ['low', 'high'] },
    featureProfile: 'paper',
    vectorLength: 68,
    architecture: net.architecture,
    standardisation: net.standardisation,
    normalisation: net.normalisation,
    training: { clips: 24, speakers: 24, examples: 24, epochs: net.epochs, options },
  };
}
