// Measures the shipped model's recipe (DEFAULT_TRAINING_OPTIONS) the only honest way: 6-fold
// cross-validation by actor on the full ravdess-4class-16k corpus, the paper's Table 2 on the
// same folds, and the test folds again under living-room conditions (noise, gain, trimmed
// silences, 8 kHz band limit; the training folds get only the recipe's own noisy copies, if any).
// Writes docs/evaluation-default-model.json and docs/evaluation-report.html;
// scripts/train-default-model.ts copies the metrics into models/default/metadata.json.
// Usage: node --import tsx scripts/evaluate-default-model.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERTURBATIONS } from '../src/core/training/audio-perturbations';
import { initBackend } from '../src/core/model/backend';
import { corpusFeatures, loadFeatureProfile } from '../src/core/training/corpus-features';
import { readManifest } from '../src/core/training/corpus-manifest';
import { crossValidate } from '../src/core/training/cross-validation';
import { crossValidationNoiseCopies } from '../src/core/training/noise-augmentation';
import { evaluationReportHtml, formatComparisonTable, formatConfusionTable } from '../src/core/training/evaluation-report';
import { TextProgress } from '../src/cli/text-progress';
import { DEFAULT_TRAINING_OPTIONS } from '../src/core/training/training-options';
import { FULL_DATA } from '../test/helpers/corpus';

const root = join(__dirname, '..');
const manifest = FULL_DATA.manifest;
const CV_SEED = 1;

async function main() {
  const backend = await initBackend();
  const { entries } = await readManifest(manifest);
  const profile = loadFeatureProfile('paper');
  const { speechOnly, denoise } = DEFAULT_TRAINING_OPTIONS;
  const progress = new TextProgress('features');
  const data = await corpusFeatures(entries, profile, { speechOnly, denoise, onProgress: (d, t) => progress.update(d, t) });
  const noisyProgress = new TextProgress('features (noisy training copies)');
  const extraTraining = await crossValidationNoiseCopies(entries, profile, DEFAULT_TRAINING_OPTIONS, { folds: 6, seed: CV_SEED }, (d, t) =>
    noisyProgress.update(d, t),
  );
  const extraTestSets = [];
  for (const perturbation of PERTURBATIONS.slice(1)) {
    const p = new TextProgress(`features (${perturbation})`);
    extraTestSets.push({
      name: perturbation,
      data: await corpusFeatures(entries, profile, { perturbation, speechOnly, denoise, onProgress: (d, t) => p.update(d, t) }),
    });
  }
  const results = await crossValidate(data, {
    folds: 6,
    seed: CV_SEED,
    kinds: ['svm', 'random-forest', 'dnn', 'mt-dnn', 'mt-a-dnn'],
    training: DEFAULT_TRAINING_OPTIONS,
    extraTraining,
    extraTestSets,
    onFold: ({ kind, fold, folds, metrics }) =>
      process.stderr.write(`${kind} fold ${fold}/${folds}: UAR ${(100 * metrics.uar).toFixed(1)}%\n`),
  });
  const noise = DEFAULT_TRAINING_OPTIONS.noiseAugmentation;
  const recipe = [
    'paper features',
    speechOnly ? 'speech only (noise-floor trimming)' : 'whole clips',
    denoise ? 'spectral subtraction' : undefined,
    'per-stream normalisation',
    noise && noise.copies > 0
      ? `${noise.copies} noisy copies per training clip (${noise.kinds.join('/')}, ${noise.snrDb[0]}-${noise.snrDb[1]} dB SNR, babble from the same fold group)`
      : undefined,
  ].filter(Boolean);
  const protocol = `6-fold cross-validation by actor (seed ${CV_SEED}) on ravdess-4class-16k (672 clips, 24 actors), ${recipe.join(', ')}`;
  const mtadnn = results.find((r) => r.kind === 'mt-a-dnn')!;
  console.log(`${protocol} (backend ${backend})\n`);
  console.log(formatConfusionTable('MT-A-DNN (shipped recipe)', mtadnn.metrics) + '\n');
  console.log(formatComparisonTable(results.map((r) => ({ name: r.kind, metrics: r.metrics }))) + '\n');
  console.log('MT-A-DNN under living-room conditions (test folds perturbed; training folds as the recipe says):');
  console.log('condition           UAR%   acc%  ΔUAR');
  for (const [name, m] of Object.entries({ clean: mtadnn.metrics, ...mtadnn.extra })) {
    console.log(
      `${name.padEnd(18)}${(100 * m.uar).toFixed(1).padStart(6)}${(100 * m.accuracy).toFixed(1).padStart(7)}${(100 * (m.uar - mtadnn.metrics.uar)).toFixed(1).padStart(6)}`,
    );
  }
  const record = {
    protocol,
    backend,
    options: DEFAULT_TRAINING_OPTIONS,
    table2: results.map((r) => ({ model: r.kind, metrics: r.metrics, foldUar: r.foldMetrics.map((m) => m.uar) })),
    robustness: Object.fromEntries(
      Object.entries({ clean: mtadnn.metrics, ...mtadnn.extra }).map(([k, m]) => [
        k,
        { accuracy: m.accuracy, uar: m.uar, recall: m.recall },
      ]),
    ),
    metrics: { 'cv6-by-actor': { ...mtadnn.metrics, protocol } },
  };
  writeFileSync(join(root, 'docs', 'evaluation-default-model.json'), JSON.stringify(record, null, 1) + '\n');
  writeFileSync(
    join(root, 'docs', 'evaluation-report.html'),
    evaluationReportHtml(
      'MT-A-DNN and baselines, 6-fold CV by actor (RAVDESS, 4 classes)',
      results.map((r) => ({ name: r.kind, metrics: r.metrics })),
      [protocol],
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
