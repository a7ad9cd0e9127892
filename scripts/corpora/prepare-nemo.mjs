// Writes the 4-class manifest of nEMO (Polish acted speech, https://github.com/amu-cai/nEMO).
// Usage: node scripts/corpora/prepare-nemo.mjs CORPUS_DIR [OUT_CSV]   (default OUT_CSV: CORPUS_DIR/manifest.csv)
// CORPUS_DIR holds data.tsv and samples/*.wav, as in the nEMO repository.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeManifest } from './manifest-writer.mjs';

const [corpusArg, outArg] = process.argv.slice(2);
if (!corpusArg) {
  console.error('usage: node scripts/corpora/prepare-nemo.mjs CORPUS_DIR [OUT_CSV]');
  process.exit(2);
}
const corpus = resolve(corpusArg);
const out = resolve(outArg ?? join(corpus, 'manifest.csv'));

// nEMO's labels are already the four class names for the classes we keep; fear and surprised are left out.
const KEPT = new Set(['anger', 'happiness', 'neutral', 'sadness']);

const [header, ...lines] = readFileSync(join(corpus, 'data.tsv'), 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim() !== '');
const columns = header.split('\t').map((c) => c.trim());
const column = (name) => {
  const index = columns.indexOf(name);
  if (index < 0) throw new Error(`data.tsv has no "${name}" column (found ${columns.join(', ')})`);
  return index;
};
const [file, emotion, speaker, gender, age, text] = ['file_id', 'emotion', 'speaker_id', 'gender', 'age', 'raw_text'].map(column);

const rows = [];
const leftOut = new Map();
for (const line of lines) {
  const cells = line.split('\t').map((c) => c.trim());
  if (!KEPT.has(cells[emotion])) {
    leftOut.set(cells[emotion], (leftOut.get(cells[emotion]) ?? 0) + 1);
    continue;
  }
  rows.push({
    path: join(corpus, 'samples', cells[file]),
    emotion: cells[emotion],
    // The speaker ids have leading spaces in data.tsv (trimmed above).
    speaker: `nemo-${cells[speaker]}`,
    corpus: 'nemo',
    gender: cells[gender],
    age: cells[age],
    text: cells[text],
  });
}
console.log(`data.tsv: ${lines.length} clips; other classes left out: ${[...leftOut].map(([e, n]) => `${e} ${n}`).join(', ')}`);
rows.sort((a, b) => a.path.localeCompare(b.path));
writeManifest(out, rows, ['corpus', 'gender', 'age', 'text']);
