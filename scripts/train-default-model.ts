// Trains the model shipped in models/default on all of the ravdess-4class-16k corpus (SHARED_DIR, or shared/ beside the repository).
// Usage: npm run train:default   (or node --import tsx scripts/train-default-model.ts [MANIFEST])
// The options are DEFAULT_TRAINING_OPTIONS, chosen by the experiments in docs/evaluation.md; the
// cross-validated metrics of those options are measured by scripts/evaluate-default-model.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { initBackend } from '../src/core/model/backend';
import { DEFAULT_MODEL_DIR } from '../src/core/model/package-paths';
import { TextProgress } from '../src/cli/text-progress';
import { trainFromManifest } from '../src/core/training/train-from-manifest';
import { DEFAULT_TRAINING_OPTIONS } from '../src/core/training/training-options';
import { FULL_DATA } from '../test/helpers/corpus';

const root = join(__dirname, '..');
const manifest = process.argv[2] ?? FULL_DATA.manifest;

async function main() {
  const backend = await initBackend();
  const features = new TextProgress('features');
  const epochs = new TextProgress('training');
  const model = await trainFromManifest({
    manifest,
    profile: 'paper',
    augment: false,
    training: DEFAULT_TRAINING_OPTIONS,
    dataLicence: 'RAVDESS (Livingstone & Russo 2018), CC BY-NC-SA 4.0: non-commercial use only',
    onFeatures: (d, t) => features.update(d, t),
    onEpoch: (r) =>
      epochs.update(r.epoch, r.maxEpochs, `val UAR ${r.validationUar !== undefined ? (100 * r.validationUar).toFixed(1) : '-'}%`),
  });
  epochs.finish();
  // Record the manifest relative to the repository, not this machine's absolute path.
  model.metadata.training.manifest = relative(root, manifest);
  // Cross-validated metrics, if scripts/evaluate-default-model.ts has measured them.
  const cvFile = join(root, 'docs', 'evaluation-default-model.json');
  if (existsSync(cvFile)) model.metadata.metrics = JSON.parse(readFileSync(cvFile, 'utf8')).metrics;
  await model.save(DEFAULT_MODEL_DIR);
  writeFileSync(join(DEFAULT_MODEL_DIR, 'LICENSE-DATA.txt'), DATA_LICENCE);
  console.log(
    `saved ${DEFAULT_MODEL_DIR} (${model.metadata.training.clips} clips, ${model.metadata.training.epochs} epochs, backend ${backend})`,
  );
  model.dispose();
}

const DATA_LICENCE = `The model in this directory was trained on RAVDESS:
Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional Speech and Song (RAVDESS).
PLoS ONE 13(5): e0196391. https://doi.org/10.1371/journal.pone.0196391
RAVDESS is licensed CC BY-NC-SA 4.0 (https://creativecommons.org/licenses/by-nc-sa/4.0/):
this model is for non-commercial use only; train your own model for other uses.
`;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
