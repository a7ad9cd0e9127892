/** Feature vectors with their emotion class index, speaker and source clip (crops share a clip). */
export interface LabelledVectors {
  vectors: ArrayLike<number>[];
  labels: number[];
  speakers: string[];
  /** Identifies the clip each vector came from (augmented crops of one clip share it). */
  clips: string[];
}

export function subsetOf(data: LabelledVectors, indices: number[]): LabelledVectors {
  return {
    vectors: indices.map((i) => data.vectors[i]),
    labels: indices.map((i) => data.labels[i]),
    speakers: indices.map((i) => data.speakers[i]),
    clips: indices.map((i) => data.clips[i]),
  };
}
