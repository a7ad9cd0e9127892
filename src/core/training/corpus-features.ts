import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAudioFileAs16kMono } from '../audio/load-audio-file';
import { getFeatureProfile } from '../features';
import { perturbAudio, type PerturbationName } from './audio-perturbations';
import type { ManifestEntry } from './corpus-manifest';
import type { LabelledVectors } from './labelled-vectors';
import { applyClipFrontEnd, clipFrontEndKey } from '../features/front-end/clip-front-end';
import type { SpeechTrimmingOptions } from '../features/front-end/speech-trimming';

/** The part of a feature profile (src/core/features) the model needs. */
export interface ClipFeatureProfile {
  name: string;
  vectorLength: number;
  clipVector(samples16k: Float32Array): ArrayLike<number>;
}

export function loadFeatureProfile(name: string): ClipFeatureProfile {
  return getFeatureProfile(name);
}

/** The paper's augmentation: crops of 85% of each clip, one every 0.03 s (480 samples at 16 kHz). */
export const PAPER_CROPS = { share: 0.85, stepSamples: 480 };

/** A change to one clip's audio before features, named for the feature cache. */
export interface AudioTransform {
  /** Unique for what apply does (including its seed): features are cached under it. */
  key: string;
  apply(samples: Float32Array): Float32Array | Promise<Float32Array>;
}

export interface CorpusFeatureOptions {
  augment?: boolean;
  perturbation?: PerturbationName;
  /** A transform per clip instead of a named perturbation (e.g. noise augmentation). */
  transformOf?: (entry: ManifestEntry, index: number) => AudioTransform;
  /** Cut leading and trailing silence (after the perturbation) so the features describe speech only. */
  speechOnly?: boolean;
  /** How speech-only trimming finds the silence (default: the package's rule, see speech-trimming.ts). */
  trimming?: SpeechTrimmingOptions;
  /** Spectral subtraction of each clip's stationary noise floor (after the perturbation, before trimming). */
  denoise?: boolean;
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Where extracted features are cached unless told otherwise (gitignored via node_modules). */
export function defaultCacheDir(): string {
  return process.env.SPEECH_EMOTION_CACHE ?? resolve(__dirname, '..', '..', '..', 'node_modules', '.cache', 'speech-emotion');
}

/**
 * Clip vectors for every manifest entry (and its crops with augment), cached on disk by
 * file, size, modification time, profile and variant, so experiments re-run in seconds.
 */
export async function corpusFeatures(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  options: CorpusFeatureOptions = {},
): Promise<LabelledVectors> {
  const cache = FeatureCache.open(options.cacheDir ?? defaultCacheDir(), profile.name);
  const data: LabelledVectors = { vectors: [], labels: [], speakers: [], clips: [] };
  const perturbation = options.perturbation ?? 'clean';
  let done = 0;
  for (const [index, entry] of entries.entries()) {
    const stat = statSync(entry.path);
    const frontEnd = {
      denoise: options.denoise,
      speechOnly: options.speechOnly && perturbation !== 'silence-trimmed',
      trimming: options.trimming,
    };
    const transform: AudioTransform = options.transformOf?.(entry, index) ?? {
      key: perturbation,
      apply: (raw) => perturbAudio(raw, perturbation, index + 1),
    };
    const fileKey = `${entry.path}|${stat.size}|${Math.round(stat.mtimeMs)}|${transform.key}${clipFrontEndKey(frontEnd)}`;
    let samples: Float32Array | undefined;
    const audio = async () => {
      if (!samples) {
        samples = applyClipFrontEnd(await transform.apply(await loadAudioFileAs16kMono(entry.path)), frontEnd);
      }
      return samples;
    };
    const push = (vector: ArrayLike<number>) => {
      data.vectors.push(vector);
      data.labels.push(entry.emotion);
      data.speakers.push(entry.speaker);
      data.clips.push(entry.path);
    };
    if (options.augment) {
      let length = cache.get(`${fileKey}|length`)?.[0];
      if (length === undefined) {
        length = (await audio()).length;
        cache.set(`${fileKey}|length`, [length]);
      }
      const cropLength = Math.round(length * PAPER_CROPS.share);
      for (let offset = 0; offset + cropLength <= length; offset += PAPER_CROPS.stepSamples) {
        const key = `${fileKey}|crop ${offset}+${cropLength}`;
        let vector = cache.get(key);
        if (!vector) {
          vector = Array.from(profile.clipVector((await audio()).subarray(offset, offset + cropLength)));
          cache.set(key, vector);
        }
        push(vector);
      }
    } else {
      const key = `${fileKey}|full`;
      let vector = cache.get(key);
      if (!vector) {
        vector = Array.from(profile.clipVector(await audio()));
        cache.set(key, vector);
      }
      push(vector);
    }
    done++;
    options.onProgress?.(done, entries.length);
    if (cache.unsaved >= 500) cache.save();
  }
  cache.save();
  return data;
}

class FeatureCache {
  /** Caches already read by this process: a run that asks for many variants parses a large file once, not per call. */
  private static readonly opened = new Map<string, FeatureCache>();
  private readonly file: string;
  private readonly values: Record<string, number[]>;
  /** Modification time of the file when this process last read or wrote it (another process may write it too). */
  private fileMtimeMs: number;
  unsaved = 0;

  static open(dir: string, profile: string): FeatureCache {
    const file = join(dir, `features-${profile}.json`);
    const known = FeatureCache.opened.get(file);
    if (known && known.fileMtimeMs === mtimeMs(file)) return known;
    const cache = new FeatureCache(dir, file);
    FeatureCache.opened.set(file, cache);
    return cache;
  }

  private constructor(
    private readonly dir: string,
    file: string,
  ) {
    this.file = file;
    this.fileMtimeMs = mtimeMs(file);
    this.values = existsSync(this.file) ? safeParse(readFileSync(this.file, 'utf8')) : {};
  }

  get(key: string): number[] | undefined {
    return this.values[key];
  }

  set(key: string, vector: number[]): void {
    this.values[key] = vector;
    this.unsaved++;
  }

  save(): void {
    if (this.unsaved === 0) return;
    mkdirSync(this.dir, { recursive: true });
    // Another process on the same cache (a parallel run) may have saved since this one read it: keep its vectors.
    const onDisk = mtimeMs(this.file);
    if (onDisk !== this.fileMtimeMs && onDisk >= 0) {
      const theirs = safeParse(readFileSync(this.file, 'utf8'));
      for (const key of Object.keys(theirs)) if (!(key in this.values)) this.values[key] = theirs[key];
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.values));
    renameSync(tmp, this.file);
    this.fileMtimeMs = mtimeMs(this.file);
    this.unsaved = 0;
  }
}

function mtimeMs(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : -1;
}

function safeParse(text: string): Record<string, number[]> {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
