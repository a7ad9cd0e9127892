/** Feature vectors with their emotion class index, speaker and source clip (crops share a clip). */
export interface LabelledVectors {
  vectors: ArrayLike<number>[];
  labels: number[];
  speakers: string[];
  /** Identifies the clip each vector came from (augmented crops of one clip share it). */
  clips: string[];
  /**
   * The stream each vector belongs to for per-stream normalisation (default: its speaker). Noisy
   * copies of a speaker's clips form streams of their own, as the same speaker in another room would.
   */
  streams?: string[];
}

export function subsetOf(data: LabelledVectors, indices: number[]): LabelledVectors {
  return {
    vectors: indices.map((i) => data.vectors[i]),
    labels: indices.map((i) => data.labels[i]),
    speakers: indices.map((i) => data.speakers[i]),
    clips: indices.map((i) => data.clips[i]),
    ...(data.streams ? { streams: indices.map((i) => data.streams![i]) } : {}),
  };
}

/** The stream of every vector: its own if set, else its speaker's. */
export function streamsOf(data: LabelledVectors): string[] {
  return data.streams ?? data.speakers;
}

/** Both sets, one after the other (streams filled in from speakers where a set has none). */
export function concatVectors(a: LabelledVectors, b: LabelledVectors): LabelledVectors {
  return {
    vectors: [...a.vectors, ...b.vectors],
    labels: [...a.labels, ...b.labels],
    speakers: [...a.speakers, ...b.speakers],
    clips: [...a.clips, ...b.clips],
    ...(a.streams || b.streams ? { streams: [...streamsOf(a), ...streamsOf(b)] } : {}),
  };
}

/** Appends a perturbed copy's vectors (labels, speakers, clips as in `copy`) to `out`, each on the stream `streamOf(speaker)`. */
export function appendCopy(
  out: LabelledVectors & { streams: string[] },
  copy: LabelledVectors,
  streamOf: (speaker: string) => string,
): void {
  copy.vectors.forEach((v, i) => {
    out.vectors.push(v);
    out.labels.push(copy.labels[i]);
    out.speakers.push(copy.speakers[i]);
    out.clips.push(copy.clips[i]);
    out.streams.push(streamOf(copy.speakers[i]));
  });
}
