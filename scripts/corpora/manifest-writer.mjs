// Writes a corpus manifest in the CLI's format (src/core/training/corpus-manifest.ts): a CSV whose header names
// path, emotion and speaker first, paths relative to the manifest. Shared by the prepare-*.mjs scripts.
import { openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

export const EMOTIONS = ['anger', 'happiness', 'neutral', 'sadness'];

/** Why a clip cannot be used, or undefined when it can: absent, or a Git LFS pointer instead of audio. */
export function unusableReason(path) {
  let size;
  try {
    size = statSync(path).size;
  } catch {
    return 'absent';
  }
  if (size < 1024) {
    const head = Buffer.alloc(size);
    const fd = openSync(path, 'r');
    readSync(fd, head, 0, size, 0);
    closeSync(fd);
    if (head.toString('latin1').startsWith('version https://git-lfs')) return 'git-lfs-pointer';
  }
  return undefined;
}

function csvCell(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * rows: objects with an absolute `path`, `emotion`, `speaker` and the extra columns named in `extraColumns`.
 * Rows whose file is absent or a Git LFS pointer are left out and counted. Returns the rows written.
 */
export function writeManifest(outPath, rows, extraColumns) {
  const columns = ['path', 'emotion', 'speaker', ...extraColumns];
  const base = dirname(resolve(outPath));
  const unusable = new Map();
  const kept = [];
  for (const row of rows) {
    if (!EMOTIONS.includes(row.emotion)) throw new Error(`${row.path}: emotion "${row.emotion}" is not one of ${EMOTIONS.join(', ')}`);
    const reason = unusableReason(row.path);
    if (reason) {
      unusable.set(reason, [...(unusable.get(reason) ?? []), row.path]);
      continue;
    }
    kept.push(row);
  }
  const lines = [columns.join(',')];
  for (const row of kept) {
    const relativePath = relative(base, row.path).split(sep).join('/');
    lines.push(columns.map((c) => csvCell(c === 'path' ? relativePath : row[c])).join(','));
  }
  writeFileSync(outPath, lines.join('\n') + '\n');
  console.log(`${outPath}: ${kept.length} clips`);
  for (const [reason, paths] of unusable) {
    console.log(`left out, ${reason}: ${paths.length}`);
    for (const p of paths.slice(0, 10)) console.log(`  ${p}`);
    if (paths.length > 10) console.log(`  ... and ${paths.length - 10} more`);
  }
  printCounts(kept);
  return kept;
}

/** A table of clips per speaker and class, with totals. */
function printCounts(rows) {
  const speakers = [...new Set(rows.map((r) => r.speaker))].sort();
  const count = (speaker, emotion) =>
    rows.filter((r) => (speaker === undefined || r.speaker === speaker) && (emotion === undefined || r.emotion === emotion)).length;
  const width = Math.max(8, ...speakers.map((s) => s.length)) + 2;
  const line = (name, speaker) =>
    name.padEnd(width) + [...EMOTIONS.map((e) => count(speaker, e)), count(speaker)].map((n) => String(n).padStart(11)).join('');
  console.log(''.padEnd(width) + [...EMOTIONS, 'total'].map((e) => e.padStart(11)).join(''));
  for (const speaker of speakers) console.log(line(speaker, speaker));
  console.log(line('total', undefined));
}
