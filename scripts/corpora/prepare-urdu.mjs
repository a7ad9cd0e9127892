// Writes the manifest of URDU (spontaneous Urdu talk-show speech, https://github.com/siddiquelatif/URDU-Dataset).
// Usage: node scripts/corpora/prepare-urdu.mjs CORPUS_DIR [OUT_CSV]   (default OUT_CSV: CORPUS_DIR/manifest.csv)
// CORPUS_DIR holds "{Angry,Happy,Neutral,Sad}/S<G><N>_F<K>_<E><NN>.wav", as in the URDU-Dataset repository.
// Evaluation only: the corpus is cut from YouTube and its README allows research use only (scripts/corpora/README.md).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeManifest } from './manifest-writer.mjs';

const [corpusArg, outArg] = process.argv.slice(2);
if (!corpusArg) {
  console.error('usage: node scripts/corpora/prepare-urdu.mjs CORPUS_DIR [OUT_CSV]');
  process.exit(2);
}
const corpus = resolve(corpusArg);
const out = resolve(outArg ?? join(corpus, 'manifest.csv'));

// Folder → class, and the letter each file name's last field starts with.
const FOLDERS = {
  Angry: { emotion: 'anger', code: 'A' },
  Happy: { emotion: 'happiness', code: 'H' },
  Neutral: { emotion: 'neutral', code: 'N' },
  Sad: { emotion: 'sadness', code: 'S' },
};

const rows = [];
for (const [folder, { emotion, code }] of Object.entries(FOLDERS)) {
  for (const name of readdirSync(join(corpus, folder))
    .filter((n) => n.toLowerCase().endsWith('.wav'))
    .sort()) {
    // e.g. SM1_F10_A010.wav: male speaker 1, his 10th file, the 10th angry file of the corpus.
    const match = /^S([MF])(\d+)_F\d+_([AHNS])\d+\.wav$/i.exec(name);
    if (!match) throw new Error(`${folder}/${name}: expected S<M|F><speaker>_F<n>_<A|H|N|S><n>.wav`);
    const [, gender, speaker, fileCode] = match;
    if (fileCode.toUpperCase() !== code)
      throw new Error(`${folder}/${name}: emotion code "${fileCode}" does not match the folder (expected "${code}")`);
    rows.push({
      path: join(corpus, folder, name),
      emotion,
      // The README says a speaker keeps the same id in every emotion; gender is part of the id (SM1 and SF1 differ).
      speaker: `urdu-S${gender.toUpperCase()}${speaker}`,
      corpus: 'urdu',
      gender: gender.toUpperCase() === 'M' ? 'male' : 'female',
    });
  }
}
writeManifest(out, rows, ['corpus', 'gender']);
