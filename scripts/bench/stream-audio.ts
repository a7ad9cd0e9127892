// The audio the benchmark's streams play: RAVDESS clips back to back as one 16 kHz 16-bit loop, each
// stream starting at a different clip. The windows the pipeline should give for it follow from feature-window's
// default window and hop and where each stream's windows start.
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { floatToPcm16, pcm16ToFloat } from '../../src/core/audio/pcm16';
import { resolveFeatureWindowConfig } from '../../src/core/config/feature-window-config';
import { FeatureWindowRegistry } from '../../src/core/features/feature-window-registry';
import { hopSamplesOf } from '../../src/core/features/feature-window-stream';
import { CORPUS_16K, HAS_FULL_CORPUS, manifest } from '../../test/helpers/corpus';
import { CHUNK_SAMPLES } from './bench-flow';

export class StreamAudio {
  private constructor(
    readonly pcm: Buffer,
    /** byte offsets in pcm where the clips, and so the streams, start */
    readonly starts: number[],
    readonly clips: number,
  ) {}

  /**
   * Which clips: the full corpus's (SHARED_DIR, or shared/ beside the repository), or without it the repository's
   * fixture subset, other speakers with other speech: runs on different audio are not comparable (a git worktree in
   * /tmp has no shared/ beside it unless SHARED_DIR says where).
   */
  get source(): string {
    return `${this.clips} clips of ${HAS_FULL_CORPUS ? 'the full corpus' : "the repository's fixture subset"} (${CORPUS_16K})`;
  }

  /** Up to `maxClips` clips of the corpus (all 24 actors' first clips when the full corpus is there). */
  static async load(maxClips = 24): Promise<StreamAudio> {
    const rows = manifest();
    // One clip per speaker first, so that neighbouring streams are different people.
    const bySpeaker = new Map<string, string>();
    for (const row of rows) if (!bySpeaker.has(row.speaker)) bySpeaker.set(row.speaker, row.path);
    const paths = [...bySpeaker.values(), ...rows.map((r) => r.path)].filter((p, i, all) => all.indexOf(p) === i).slice(0, maxClips);
    const parts: Buffer[] = [];
    const starts: number[] = [];
    let offset = 0;
    for (const path of paths) {
      const pcm = floatToPcm16(await loadAudioFileAs16kMono(join(CORPUS_16K, path)));
      starts.push(offset);
      parts.push(pcm);
      offset += pcm.length;
    }
    return new StreamAudio(Buffer.concat(parts), starts, paths.length);
  }

  /** The bytes stream `stream` sends as its chunk number `chunk` (as the driver in bench-flow.ts cuts them). */
  chunkBytes(stream: number, chunk: number): Buffer {
    const size = CHUNK_SAMPLES * 2;
    const from = (this.starts[stream % this.starts.length] + chunk * size) % this.pcm.length;
    const to = from + size;
    return to <= this.pcm.length
      ? this.pcm.subarray(from, to)
      : Buffer.concat([this.pcm.subarray(from), this.pcm.subarray(0, to - this.pcm.length)]);
  }

  /**
   * The full windows `streams` streams of `chunks` chunks each give with feature-window's window and hop, stream i's
   * first window starting at firstWindowStarts[i] (0 when not given): feature-window staggers streams started together.
   */
  expectedWindows(streams: number, chunks: number, firstWindowStarts: Record<string, number>): number {
    const settings = resolveFeatureWindowConfig({});
    if (!settings.ok) throw new Error(settings.problems.join('; '));
    const window = Math.round(settings.config.window.windowSeconds * 16000);
    const hop = hopSamplesOf(settings.config.window);
    const samples = chunks * CHUNK_SAMPLES;
    let windows = 0;
    for (let i = 0; i < streams; i++) {
      const start = firstWindowStarts[i] ?? 0;
      if (samples >= start + window) windows += Math.floor((samples - start - window) / hop) + 1;
    }
    return windows;
  }

  /** Feature vectors of the first `count` voiced windows of the loop (inputs for the inference benchmark). */
  windowVectors(count: number): number[][] {
    const settings = resolveFeatureWindowConfig({});
    if (!settings.ok) throw new Error(settings.problems.join('; '));
    const registry = new FeatureWindowRegistry(settings.config.window, settings.config.limits);
    const vectors: number[][] = [];
    for (let k = 0; vectors.length < count && k * CHUNK_SAMPLES * 2 < this.pcm.length; k++) {
      for (const w of registry.push('s', pcm16ToFloat(this.chunkBytes(0, k)), undefined, false))
        if (w.voiced) vectors.push(Array.from(w.vector));
    }
    while (vectors.length < count) vectors.push(vectors[vectors.length % Math.max(1, vectors.length)]);
    return vectors.slice(0, count);
  }
}
