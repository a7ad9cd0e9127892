// Writes the manifest of TurEV-DB (Turkish acted single words, https://github.com/Xeonen/TurEV-DB).
// Usage: node scripts/corpora/prepare-turev-db.mjs CORPUS_DIR [OUT_CSV]   (default OUT_CSV: CORPUS_DIR/manifest.csv)
// CORPUS_DIR holds "Sound Source/{Angry,Calm,Happy,Sad}/SPEAKER_CODE_WORD.wav", as in the TurEV-DB repository.
// Evaluation only: the corpus's licence is unclear (see scripts/corpora/README.md).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeManifest } from './manifest-writer.mjs';

const [corpusArg, outArg] = process.argv.slice(2);
if (!corpusArg) {
  console.error('usage: node scripts/corpora/prepare-turev-db.mjs CORPUS_DIR [OUT_CSV]');
  process.exit(2);
}
const corpus = resolve(corpusArg);
const out = resolve(outArg ?? join(corpus, 'manifest.csv'));
const sounds = join(corpus, 'Sound Source');

// Folder → class, and the Turkish label code each file name carries (kızgın, sakin, mutlu, hüzünlü).
// Calm is the corpus's unemotional class, taken as neutral.
const FOLDERS = {
  Angry: { emotion: 'anger', code: 'kz' },
  Calm: { emotion: 'neutral', code: 'sk' },
  Happy: { emotion: 'happiness', code: 'mt' },
  Sad: { emotion: 'sadness', code: 'hl' },
};

const rows = [];
for (const [folder, { emotion, code }] of Object.entries(FOLDERS)) {
  for (const name of readdirSync(join(sounds, folder))
    .filter((n) => n.toLowerCase().endsWith('.wav'))
    .sort()) {
    const match = /^(\d+)_([a-z]+)_(.+)\.wav$/i.exec(name);
    if (!match) throw new Error(`${folder}/${name}: expected SPEAKER_CODE_WORD.wav`);
    const [, speaker, fileCode, word] = match;
    if (fileCode !== code) throw new Error(`${folder}/${name}: label code "${fileCode}" does not match the folder (expected "${code}")`);
    rows.push({ path: join(sounds, folder, name), emotion, speaker: `turev-${speaker}`, corpus: 'turev-db', label: folder, word });
  }
}
writeManifest(out, rows, ['corpus', 'label', 'word']);
