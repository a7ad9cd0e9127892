import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { emotionIndex } from '../../src/core/model/emotion-tasks';
import type { LabelledVectors } from '../../src/core/model/labelled-vectors';

export const SHARED = join(__dirname, '..', '..', '..', 'shared');
export const GOLDEN_DIR = join(SHARED, 'golden', 'pyaudioanalysis');
export const RAVDESS_MANIFEST = join(SHARED, 'corpora', 'ravdess-4class-16k', 'manifest.csv');

const EMOTION_CODES: Record<string, string> = { '01': 'neutral', '03': 'happiness', '04': 'sadness', '05': 'anger' };

/** The 24 real RAVDESS clips (one per actor) with pyAudioAnalysis's own clip vectors. */
export function goldenRavdessVectors(): LabelledVectors & { files: string[] } {
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.startsWith('ravdess_') && f.endsWith('.json')).sort();
  const data = { vectors: [] as number[][], labels: [] as number[], speakers: [] as string[], clips: [] as string[], files };
  for (const f of files) {
    const parts = f.replace('.json', '').split('-');
    data.vectors.push(JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')).clip_vector);
    data.labels.push(emotionIndex(EMOTION_CODES[parts[2]]));
    data.speakers.push(parts[6]);
    data.clips.push(f);
  }
  return data;
}
