import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { emotionIndex, normaliseEmotionLabel } from '../model/emotion-tasks';

export interface ManifestEntry {
  /** Absolute path of the audio file. */
  path: string;
  emotion: number;
  speaker: string;
  /** The row's `corpus` column, if the manifest has one. */
  corpus?: string;
}

/** A manifest row that was left out, and why. */
export interface SkippedManifestRow {
  /** line number in the CSV file, from 1 (the header) */
  line: number;
  reason: string;
}

/** A manifest that cannot be read or has no usable row; the message names the file. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/**
 * Reads a CSV manifest with a header naming at least `path` and `emotion` (optionally `speaker` and `corpus`).
 * Paths are relative to the manifest. Rows whose emotion is not one of the four classes, and rows
 * whose file does not exist, are skipped and listed with their line numbers.
 */
export async function readManifest(
  csvPath: string,
): Promise<{ entries: ManifestEntry[]; skipped: number; skippedRows: SkippedManifestRow[] }> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ManifestError(
      `${csvPath}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a CSV file' : (err as Error).message}`,
    );
  }
  const rows = text
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, cells: parseCsvLine(line), blank: line.trim() === '' }))
    .filter((row) => !row.blank);
  if (rows.length === 0) throw new ManifestError(`${csvPath}: empty file`);
  const header = rows[0].cells.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('path') < 0 || col('emotion') < 0) {
    throw new ManifestError(`${csvPath}: the header must name "path" and "emotion" columns (found ${header.join(', ')})`);
  }
  const base = dirname(resolve(csvPath));
  const entries: ManifestEntry[] = [];
  const skippedRows: SkippedManifestRow[] = [];
  rows.slice(1).forEach(({ line, cells }, i) => {
    const rawPath = cells[col('path')]?.trim();
    const rawLabel = (cells[col('emotion')] ?? '').trim();
    const label = normaliseEmotionLabel(rawLabel);
    if (!rawPath) return skippedRows.push({ line, reason: 'no path' });
    if (!label) return skippedRows.push({ line, reason: rawLabel ? `unknown emotion "${rawLabel}"` : 'no emotion' });
    const path = isAbsolute(rawPath) ? rawPath : resolve(base, rawPath);
    if (!existsSync(path)) return skippedRows.push({ line, reason: `missing file ${rawPath}` });
    const speaker = col('speaker') >= 0 && cells[col('speaker')]?.trim() ? cells[col('speaker')].trim() : `clip-${i}`;
    const corpus = col('corpus') >= 0 ? cells[col('corpus')]?.trim() : undefined;
    entries.push({ path, emotion: emotionIndex(label), speaker, ...(corpus ? { corpus } : {}) });
  });
  if (entries.length === 0) {
    const why = rows.length === 1 ? 'no rows after its header' : `no usable row (${describeSkippedRows(skippedRows)})`;
    throw new ManifestError(
      `${csvPath}: ${why}; rows need a path to an existing file and an emotion among anger, happiness, neutral, sadness`,
    );
  }
  return { entries, skipped: skippedRows.length, skippedRows };
}

/** "3 rows skipped: line 4 unknown emotion \"fear\", line 9 missing file a.wav, …" with the first `shown` rows. */
export function describeSkippedRows(rows: SkippedManifestRow[], shown = 5): string {
  const first = rows.slice(0, shown).map((r) => `line ${r.line} ${r.reason}`);
  const more = rows.length > shown ? `, and ${rows.length - shown} more` : '';
  return `${rows.length} row${rows.length === 1 ? '' : 's'} skipped: ${first.join(', ')}${more}`;
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
