import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** ../shared beside the repository (as in CI), or SHARED_DIR. */
export const SHARED_DIR = process.env.SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared');
export const CORPUS_16K = join(SHARED_DIR, 'corpora', 'ravdess-4class-16k');
export const CORPUS_48K = join(SHARED_DIR, 'corpora', 'ravdess-original-48k');
export const GOLDEN_DIR = join(SHARED_DIR, 'golden', 'pyaudioanalysis');

if (!existsSync(CORPUS_16K)) throw new Error(`shared corpora not found at ${SHARED_DIR} (set SHARED_DIR)`);

/** The five original 48 kHz stereo RAVDESS clips. */
export function originalClips(): string[] {
  return readdirSync(CORPUS_48K)
    .filter((d) => d.startsWith('Actor_'))
    .flatMap((d) => readdirSync(join(CORPUS_48K, d)).filter((f) => f.endsWith('.wav')).map((f) => join(CORPUS_48K, d, f)))
    .sort();
}

export interface ManifestRow {
  path: string;
  speaker: string;
  emotion: string;
  [column: string]: string;
}

export function manifest(): ManifestRow[] {
  const [header, ...lines] = readFileSync(join(CORPUS_16K, 'manifest.csv'), 'utf8').trim().split('\n');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]])) as ManifestRow;
  });
}

export function clip16k(relativePath: string): string {
  return join(CORPUS_16K, relativePath);
}
