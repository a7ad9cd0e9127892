// The one place that finds test data. The full shared data (all 672 RAVDESS clips, the five 48 kHz
// originals, the 38 golden pyAudioAnalysis files) comes from SHARED_DIR, or from shared/ beside the
// repository as in CI; without it, the small copies in test/fixtures stand in (see their README.md).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';

const REPO_ROOT = resolve(__dirname, '..', '..');
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');

/** Where the full shared data is looked for: SHARED_DIR, or shared/ beside the repository. It may not exist. */
export const SHARED_DIR = process.env.SHARED_DIR || resolve(REPO_ROOT, '..', 'shared');

/** The full data's folders (for scripts, which need the whole corpus and take other folders as arguments). */
export const FULL_DATA = {
  corpus16k: join(SHARED_DIR, 'corpora', 'ravdess-4class-16k'),
  manifest: join(SHARED_DIR, 'corpora', 'ravdess-4class-16k', 'manifest.csv'),
  originals48k: join(SHARED_DIR, 'corpora', 'ravdess-original-48k'),
  golden: join(SHARED_DIR, 'golden', 'pyaudioanalysis'),
};

/** True when the whole corpus is there: every test runs. */
export const HAS_FULL_CORPUS = existsSync(FULL_DATA.manifest) && existsSync(FULL_DATA.originals48k) && existsSync(FULL_DATA.golden);

/** The 4-class 16 kHz RAVDESS corpus: all 24 actors, or the fixture subset of 4 (2 male, 2 female), one clip per emotion each. */
export const CORPUS_16K = HAS_FULL_CORPUS ? FULL_DATA.corpus16k : join(FIXTURES_DIR, 'ravdess-subset');
export const RAVDESS_MANIFEST = join(CORPUS_16K, 'manifest.csv');
/** 48 kHz stereo RAVDESS originals: five, or one in the fixtures. */
export const ORIGINALS_48K = HAS_FULL_CORPUS ? FULL_DATA.originals48k : join(FIXTURES_DIR, 'ravdess-original-48k');
/** Golden pyAudioAnalysis output: 10 speech, 4 edge cases and 24 RAVDESS clips, or 4 of the RAVDESS ones in the fixtures. */
export const GOLDEN_DIR = HAS_FULL_CORPUS ? FULL_DATA.golden : join(FIXTURES_DIR, 'pyaudioanalysis');

/** The skip reason of a test that needs the whole corpus; scripts/run-tests.mjs counts the tests skipped for it. */
export const FULL_CORPUS_SKIP_REASON = 'needs the full RAVDESS corpus (set SHARED_DIR or put shared/ beside the repo)';

/** For `test(name, { skip: needsFullCorpus() }, ...)`: false when the whole corpus is there, else the reason. */
export function needsFullCorpus(): string | false {
  return HAS_FULL_CORPUS ? false : FULL_CORPUS_SKIP_REASON;
}

/**
 * Without the whole corpus, stands in as one skipped test for the per-file tests that only the full data
 * has (so the run's "not run" line counts them); with it, the real tests run and this adds nothing.
 */
export function fullCorpusOnly(what: string): void {
  if (!HAS_FULL_CORPUS) test(what, { skip: FULL_CORPUS_SKIP_REASON }, () => undefined);
}

/** The 48 kHz stereo originals, sorted. */
export function originalClips(): string[] {
  return readdirSync(ORIGINALS_48K)
    .filter((d) => d.startsWith('Actor_'))
    .flatMap((d) =>
      readdirSync(join(ORIGINALS_48K, d))
        .filter((f) => f.endsWith('.wav'))
        .map((f) => join(ORIGINALS_48K, d, f)),
    )
    .sort();
}

/** The n-th original (index n modulo their number: the fixtures hold one, where tests ask for different ones). */
export function originalClip(n: number): string {
  const clips = originalClips();
  return clips[n % clips.length];
}

export interface ManifestRow {
  path: string;
  speaker: string;
  gender: string;
  emotion: string;
  intensity: string;
  [column: string]: string;
}

/** The rows of the corpus manifest (paths relative to CORPUS_16K), in file order. */
export function manifest(): ManifestRow[] {
  const [header, ...lines] = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]])) as ManifestRow;
  });
}

/** The speakers of the corpus in manifest order. */
export function speakers(): string[] {
  return [...new Set(manifest().map((row) => row.speaker))];
}

export function clip16k(relativePath: string): string {
  return join(CORPUS_16K, relativePath);
}

/** The manifest's first `count` 16 kHz clips one after another: real speech longer than a clip. */
export async function firstClipsJoined(count: number): Promise<Float32Array> {
  const clips = await Promise.all(
    manifest()
      .slice(0, count)
      .map((row) => loadAudioFileAs16kMono(clip16k(row.path))),
  );
  const joined = new Float32Array(clips.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const clip of clips) {
    joined.set(clip, offset);
    offset += clip.length;
  }
  return joined;
}

export interface GoldenCase {
  name: string;
  wavPath: string;
  featureNames: string[];
  shortTerm: number[][];
  clipVector: number[];
  numFrames: number;
}

/** Every golden file (NAME.wav with NAME.json, or NAME.json.gz in the fixtures), sorted by name. */
export function goldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => /\.json(\.gz)?$/.test(f))
    .sort()
    .map((f) => {
      const bytes = readFileSync(join(GOLDEN_DIR, f));
      const json = JSON.parse((f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
      const name = f.replace(/\.json(\.gz)?$/, '');
      return {
        name,
        wavPath: join(GOLDEN_DIR, `${name}.wav`),
        featureNames: json.feature_names,
        shortTerm: json.short_term_features,
        clipVector: json.clip_vector,
        numFrames: json.num_frames,
      };
    });
}

/** The WAV of one golden case (the RAVDESS ones in the fixtures are among those of the full set). */
export function goldenWav(name: string): string {
  const path = join(GOLDEN_DIR, `${name}.wav`);
  if (!existsSync(path)) throw new Error(`golden case ${name} not found in ${GOLDEN_DIR}`);
  return path;
}

/**
 * A manifest of one clip of each emotion from each of the first two actors (8 clips), paths made absolute, written
 * to DIR/clips.csv: a training set small enough for the command-line tests.
 */
export function writeTwoActorManifest(dir: string): { manifest: string; rows: string[] } {
  const [header, ...lines] = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
  const first = new Map<string, string>();
  for (const line of lines) {
    const [, speaker, , emotion] = line.split(',');
    if (!first.has(`${speaker} ${emotion}`)) first.set(`${speaker} ${emotion}`, line);
  }
  const speakers = [...new Set(lines.map((l) => l.split(',')[1]))].slice(0, 2);
  const rows = [...first.values()]
    .filter((l) => speakers.includes(l.split(',')[1]))
    .map((r) => join(RAVDESS_MANIFEST, '..', r.split(',')[0]) + r.slice(r.indexOf(',')));
  const manifest = join(dir, 'clips.csv');
  writeFileSync(manifest, [header, ...rows].join('\n') + '\n');
  return { manifest, rows };
}
