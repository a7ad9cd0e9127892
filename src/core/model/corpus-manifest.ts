import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { emotionIndex, normaliseEmotionLabel } from './emotion-tasks';

export interface ManifestEntry {
  /** Absolute path of the audio file. */
  path: string;
  emotion: number;
  speaker: string;
}

/**
 * Reads a CSV manifest with a header naming at least `path` and `emotion` (optionally `speaker`).
 * Paths are relative to the manifest. Rows whose emotion is not one of the four classes are skipped
 * and counted.
 */
export async function readManifest(csvPath: string): Promise<{ entries: ManifestEntry[]; skipped: number }> {
  const text = await readFile(csvPath, 'utf8');
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '').map(parseCsvLine);
  if (rows.length === 0) throw new Error(`${csvPath} is empty`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('path') < 0 || col('emotion') < 0) {
    throw new Error(`${csvPath}: the header must name "path" and "emotion" columns (found ${header.join(', ')})`);
  }
  const base = dirname(resolve(csvPath));
  const entries: ManifestEntry[] = [];
  let skipped = 0;
  rows.slice(1).forEach((row, i) => {
    const rawPath = row[col('path')]?.trim();
    const label = normaliseEmotionLabel(row[col('emotion')] ?? '');
    if (!rawPath) throw new Error(`${csvPath} line ${i + 2}: no path`);
    if (!label) {
      skipped++;
      return;
    }
    const speaker = col('speaker') >= 0 && row[col('speaker')]?.trim() ? row[col('speaker')].trim() : `clip-${i}`;
    entries.push({ path: isAbsolute(rawPath) ? rawPath : resolve(base, rawPath), emotion: emotionIndex(label), speaker });
  });
  if (entries.length === 0) throw new Error(`${csvPath} has no rows with a known emotion (anger, happiness, neutral, sadness)`);
  return { entries, skipped };
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
