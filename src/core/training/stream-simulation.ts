import type { NormalisationSpec } from '../model/model-metadata';
import { RunningNormaliser } from '../model/running-normaliser';
import { SeededRandom } from './seeded-random';

/**
 * What per-stream normalisation does at inference, replayed on a labelled test set: each speaker
 * is one stream whose clips arrive in a seeded random order; each clip updates its stream's
 * running statistics and is then normalised by them (with the population prior while young).
 */
export function normaliseAsStreams(
  vectors: ArrayLike<number>[],
  speakers: string[],
  spec: Required<Pick<NormalisationSpec, 'prior' | 'priorWeight' | 'memory'>>,
  seed: number,
): Float32Array[] {
  const rng = new SeededRandom(seed);
  const bySpeaker = new Map<string, number[]>();
  speakers.forEach((s, i) => bySpeaker.set(s, [...(bySpeaker.get(s) ?? []), i]));
  const out: Float32Array[] = new Array(vectors.length);
  for (const speaker of [...bySpeaker.keys()].sort()) {
    const normaliser = new RunningNormaliser({ prior: spec.prior, priorWeight: spec.priorWeight, memory: spec.memory });
    for (const i of rng.shuffle(bySpeaker.get(speaker)!)) {
      normaliser.update(vectors[i]);
      out[i] = normaliser.normalise(vectors[i]);
    }
  }
  return out;
}

/**
 * A model's test vectors as inference would see them: replayed as streams (one per distinct entry of `streams`)
 * when the model normalises per stream, unchanged otherwise.
 */
export function asModelStreams(
  spec: NormalisationSpec,
  vectors: ArrayLike<number>[],
  streams: string[],
  seed: number,
): ArrayLike<number>[] {
  if (spec.mode !== 'per-stream' || !spec.prior) return vectors;
  return normaliseAsStreams(vectors, streams, { prior: spec.prior, priorWeight: spec.priorWeight ?? 4, memory: spec.memory ?? 200 }, seed);
}
