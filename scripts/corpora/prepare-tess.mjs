// Writes the 4-class manifest of TESS, the Toronto Emotional Speech Set (two actresses, "Say the word ___").
// Usage: node scripts/corpora/prepare-tess.mjs CORPUS_DIR [OUT_CSV]   (default OUT_CSV: CORPUS_DIR/manifest.csv)
// CORPUS_DIR holds one folder per speaker and emotion, "{OAF,YAF}_<emotion>/<OAF|YAF>_<word>_<emotion>.wav", as TESS is
// distributed (and as in the snapshot of https://github.com/deepxzy/Toronto-emotional-speech-set, datasets/train/).
// Evaluation only: TESS is licensed CC BY-NC-ND 4.0 (no derivatives), see scripts/corpora/README.md.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeManifest } from './manifest-writer.mjs';

const [corpusArg, outArg] = process.argv.slice(2);
if (!corpusArg) {
  console.error('usage: node scripts/corpora/prepare-tess.mjs CORPUS_DIR [OUT_CSV]');
  process.exit(2);
}
const corpus = resolve(corpusArg);
const out = resolve(outArg ?? join(corpus, 'manifest.csv'));

// TESS's own labels (folder and file names differ in case) → our classes; fear, disgust and pleasant surprise are left out.
const CLASSES = { angry: 'anger', happy: 'happiness', neutral: 'neutral', sad: 'sadness' };

const rows = [];
const leftOut = new Map();
for (const folder of readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()) {
  const folderMatch = /^(OAF|YAF)_(.+)$/i.exec(folder);
  if (!folderMatch) continue;
  const [, speaker, label] = folderMatch;
  const emotion = CLASSES[label.toLowerCase()];
  const names = readdirSync(join(corpus, folder)).filter((n) => n.toLowerCase().endsWith('.wav'));
  if (!emotion) {
    leftOut.set(label.toLowerCase(), (leftOut.get(label.toLowerCase()) ?? 0) + names.length);
    continue;
  }
  for (const name of names.sort()) {
    const match = /^(OAF|YAF)_(.+)_([a-z]+)\.wav$/i.exec(name);
    if (!match) throw new Error(`${folder}/${name}: expected SPEAKER_WORD_EMOTION.wav`);
    const [, fileSpeaker, word, fileLabel] = match;
    if (fileSpeaker.toUpperCase() !== speaker.toUpperCase() || fileLabel.toLowerCase() !== label.toLowerCase()) {
      throw new Error(`${folder}/${name}: speaker or emotion does not match the folder`);
    }
    rows.push({ path: join(corpus, folder, name), emotion, speaker: `tess-${speaker.toUpperCase()}`, corpus: 'tess', word });
  }
}
console.log(`other classes left out: ${[...leftOut].map(([e, n]) => `${e} ${n}`).join(', ')}`);
writeManifest(out, rows, ['corpus', 'word']);
