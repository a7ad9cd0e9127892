// The model-selection experiments of docs/evaluation.md: 6-fold cross-validation by actor on
// ../shared/corpora/ravdess-4class-16k, every variant on the same folds and features.
// Usage: node --import tsx scripts/eval-experiments.ts [VARIANT ...]   (no names = list them)
// Results are appended to docs/evaluation-experiments.json (one record per variant and model).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PerturbationName } from '../src/core/model/audio-perturbations';
import { initBackend } from '../src/core/model/backend';
import { corpusFeatures, loadFeatureProfile } from '../src/core/model/corpus-features';
import { readManifest } from '../src/core/model/corpus-manifest';
import { crossValidate, type ClassifierKind } from '../src/core/model/cross-validation';
import { formatComparisonTable } from '../src/core/model/evaluation-report';
import { TextProgress } from '../src/core/model/text-progress';
import {
  DEFAULT_TRAINING_OPTIONS,
  PAPER_TRAINING_OPTIONS,
  mergeTrainingOptions,
  type TrainingOptions,
} from '../src/core/model/training-options';

const root = join(__dirname, '..');
const MANIFEST = process.env.MANIFEST ?? join(root, '..', 'shared', 'corpora', 'ravdess-4class-16k', 'manifest.csv');
const RESULTS = join(root, 'docs', 'evaluation-experiments.json');
const ALL: ClassifierKind[] = ['svm', 'random-forest', 'dnn', 'mt-dnn', 'mt-a-dnn'];

interface Variant {
  description: string;
  profile: 'paper' | 'extended';
  augment?: boolean;
  /** Applied to every clip before features: 'silence-trimmed' = speech-only (leading/trailing silence cut). */
  perturbation?: PerturbationName;
  kinds: ClassifierKind[];
  training: TrainingOptions;
}

const paper = PAPER_TRAINING_OPTIONS;
// The experiments ran with early stopping on 15% of the training speakers (patience 20, at most 150 epochs).
const tuned = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { maxEpochs: 150, patience: 20, validationShare: 0.15, speechOnly: false });
const with_ = mergeTrainingOptions;
const VARIANTS: Record<string, Variant> = {
  'paper-global': { description: 'as written: u vector, z = α⊙y, loss 1/1/1, no dropout/L2/class weights, global standardisation', profile: 'paper', kinds: ALL, training: paper },
  'paper-units': { description: 'as written but z = 128·α⊙y', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(paper, { architecture: { ...paper.architecture, attentionScale: 'units' } }) },
  'paper-scalar': { description: 'as written but u scalar', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(paper, { architecture: { ...paper.architecture, attention: 'scalar' } }) },
  'tuned-global': { description: 'tuned (z = 128·α⊙y, loss 1/.5/.5, dropout .3, L2 1e-4, class weights), global standardisation', profile: 'paper', kinds: ALL, training: with_(tuned, { normalisation: 'global' }) },
  'tuned-stream': { description: 'tuned, per-speaker (per-stream) running normalisation', profile: 'paper', kinds: ALL, training: tuned },
  'tuned-stream-paperscale': { description: 'tuned + per-stream, but z = α⊙y', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(tuned, { architecture: { ...tuned.architecture, attentionScale: 'paper' } }) },
  'tuned-stream-scalar': { description: 'tuned + per-stream, u scalar', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(tuned, { architecture: { ...tuned.architecture, attention: 'scalar' } }) },
  'tuned-stream-loss111': { description: 'tuned + per-stream, loss weights 1/1/1', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(tuned, { lossWeights: { emotion: 1, valence: 1, activation: 1 } }) },
  'tuned-stream-drop0': { description: 'tuned + per-stream, no dropout', profile: 'paper', kinds: ['mt-a-dnn'], training: with_(tuned, { dropout: 0 }) },
  'tuned-stream-drop5': { description: 'tuned + per-stream, dropout .5', profile: 'paper', kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'], training: with_(tuned, { dropout: 0.5 }) },
  'tuned-stream-fixed60': { description: 'tuned + per-stream, no early stopping: 60 epochs on all training speakers', profile: 'paper', kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'], training: with_(tuned, { patience: 0, validationShare: 0, maxEpochs: 60 }) },
  'tuned-stream-augment': { description: 'tuned + per-stream + the paper\'s 85% crops for training', profile: 'paper', augment: true, kinds: ['svm', 'dnn', 'mt-a-dnn'], training: with_(tuned, { maxEpochs: 40, patience: 8 }) },
  'speech-stream': { description: 'tuned + per-stream, speech-only clips (leading/trailing silence trimmed, train and test)', profile: 'paper', perturbation: 'silence-trimmed', kinds: ALL, training: tuned },
  'speech-stream-fixed60': { description: 'speech-only + per-stream, 60 epochs without early stopping', profile: 'paper', perturbation: 'silence-trimmed', kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'], training: with_(tuned, { patience: 0, validationShare: 0, maxEpochs: 60 }) },
  'speech-stream-drop5': { description: 'speech-only + per-stream, dropout .5', profile: 'paper', perturbation: 'silence-trimmed', kinds: ['mt-a-dnn'], training: with_(tuned, { dropout: 0.5 }) },
  'speech-stream-loss111': { description: 'speech-only + per-stream, loss weights 1/1/1', profile: 'paper', perturbation: 'silence-trimmed', kinds: ['mt-a-dnn'], training: with_(tuned, { lossWeights: { emotion: 1, valence: 1, activation: 1 } }) },
  'speech-stream-scalar': { description: 'speech-only + per-stream, u scalar', profile: 'paper', perturbation: 'silence-trimmed', kinds: ['mt-a-dnn'], training: with_(tuned, { architecture: { ...tuned.architecture, attention: 'scalar' } }) },
  'speech-stream-paperscale': { description: 'speech-only + per-stream, z = α⊙y (paper scale)', profile: 'paper', perturbation: 'silence-trimmed', kinds: ['mt-a-dnn'], training: with_(tuned, { architecture: { ...tuned.architecture, attentionScale: 'paper' } }) },
  'speech-extended': { description: 'speech-only + per-stream, extended feature profile (81 values)', profile: 'extended', perturbation: 'silence-trimmed', kinds: ALL, training: tuned },
  'extended-stream': { description: 'tuned + per-stream, extended feature profile', profile: 'extended', kinds: ALL, training: tuned },
};

async function main() {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    for (const [name, v] of Object.entries(VARIANTS)) console.log(`${name.padEnd(26)} ${v.description}`);
    return;
  }
  const backend = await initBackend();
  const { entries } = await readManifest(MANIFEST);
  for (const name of names) {
    const variant = VARIANTS[name];
    if (!variant) throw new Error(`unknown variant ${name}`);
    const profile = loadFeatureProfile(variant.profile);
    const progress = new TextProgress(`${name}: features`);
    const perturbation = variant.perturbation;
    const data = await corpusFeatures(entries, profile, { perturbation, onProgress: (d, t) => progress.update(d, t) });
    const augmented = variant.augment
      ? await corpusFeatures(entries, profile, { augment: true, perturbation, onProgress: (d, t) => progress.update(d, t, 'crops') })
      : undefined;
    const started = Date.now();
    const results = await crossValidate(data, {
      folds: 6,
      seed: 1,
      kinds: variant.kinds,
      training: variant.training,
      augmented,
      onFold: ({ kind, fold, folds, metrics }) =>
        process.stderr.write(`${name} ${kind} fold ${fold}/${folds}: UAR ${(100 * metrics.uar).toFixed(1)}%\n`),
    });
    console.log(`\n${name}: ${variant.description} (${profile.name} profile, ${backend})`);
    console.log(formatComparisonTable(results.map((r) => ({ name: r.kind, metrics: r.metrics }))));
    // Re-read: other runs of this script may have written meanwhile.
    const records = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : [];
    const kept = records.filter((r: { variant: string }) => r.variant !== name);
    for (const r of results) {
      kept.push({
        variant: name,
        description: variant.description,
        profile: profile.name,
        augment: !!variant.augment,
        model: r.kind,
        accuracy: r.metrics.accuracy,
        uar: r.metrics.uar,
        recall: r.metrics.recall,
        confusionPercent: r.metrics.confusionPercent,
        foldUar: r.foldMetrics.map((m) => m.uar),
        seconds: Math.round((Date.now() - started) / 1000),
      });
    }
    writeFileSync(RESULTS, JSON.stringify(kept, null, 1) + '\n');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
