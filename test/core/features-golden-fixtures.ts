import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';

export function loadSamples(path: string): Promise<Float32Array> {
  return loadAudioFileAs16kMono(path);
}

/** Largest violation ratio of |a - b| <= rel * |b| + abs over all pairs (<= 1 passes). */
export function worstViolation(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  abs: number,
): { ratio: number; index: number } {
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
