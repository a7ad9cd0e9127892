import { emotionIndex } from '../../src/core/model/emotion-tasks';
import type { LabelledVectors } from '../../src/core/training/labelled-vectors';
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
