import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';

export const GOLDEN_DIR = join(__dirname, '..', '..', '..', 'shared', 'golden', 'pyaudioanalysis');
export const CORPUS_DIR = join(__dirname, '..', '..', '..', 'shared', 'corpora', 'ravdess-4class-16k');

export interface GoldenCase {
  name: string;
  wavPath: string;
  featureNames: string[];
  shortTerm: number[][];
  clipVector: number[];
  numFrames: number;
}

export function goldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8'));
      return {
        name: f.replace(/\.json$/, ''),
        wavPath: join(GOLDEN_DIR, f.replace(/\.json$/, '.wav')),
        featureNames: json.feature_names,
        shortTerm: json.short_term_features,
        clipVector: json.clip_vector,
        numFrames: json.num_frames,
      };
    });
}

export function loadSamples(path: string): Promise<Float32Array> {
  return loadAudioFileAs16kMono(path);
}

/** Largest violation ratio of |a - b| <= rel * |b| + abs over all pairs (<= 1 passes). */
export function worstViolation(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number): { ratio: number; index: number } {
  let worst = { ratio: 0, index: -1 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
      return { ratio: Infinity, index: i };
    }
    const ratio = Math.abs(a - b) / (rel * Math.abs(b) + abs);
    if (ratio > worst.ratio) worst = { ratio, index: i };
  }
  return worst;
}
