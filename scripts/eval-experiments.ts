// The model-selection experiments of docs/evaluation.md: 6-fold cross-validation by actor on
// the full ravdess-4class-16k corpus (SHARED_DIR, or shared/ beside the repository), every variant on the same folds and features.
// Usage: node --import tsx scripts/eval-experiments.ts [VARIANT[@MODELSEED] ...]   (no names = list them)
// Results are appended to docs/evaluation-experiments.json (one record per variant and model).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERTURBATIONS, type PerturbationName } from '../src/core/training/audio-perturbations';
import { initBackend } from '../src/core/model/backend';
import { corpusFeatures, loadFeatureProfile } from '../src/core/training/corpus-features';
import { readManifest } from '../src/core/training/corpus-manifest';
import { crossValidate, type ClassifierKind } from '../src/core/training/cross-validation';
import { formatComparisonTable } from '../src/core/training/evaluation-report';
import { noiseAugmentedFeatures, sameFoldPool, type NoiseAugmentation } from '../src/core/training/noise-augmentation';
import { PEAK_ONLY_TRIMMING, type SpeechTrimmingOptions } from '../src/core/features/front-end/speech-trimming';
import { TextProgress } from '../src/cli/text-progress';
import {
  DEFAULT_TRAINING_OPTIONS,
  PAPER_TRAINING_OPTIONS,
  mergeTrainingOptions,
  type TrainingOptions,
} from '../src/core/training/training-options';
import { FULL_DATA } from '../test/helpers/corpus';

const root = join(__dirname, '..');
const MANIFEST = process.env.MANIFEST ?? FULL_DATA.manifest;
const RESULTS = join(root, 'docs', 'evaluation-experiments.json');
const FOLDS = 6;
const CV_SEED = 1;
const ALL: ClassifierKind[] = ['svm', 'random-forest', 'dnn', 'mt-dnn', 'mt-a-dnn'];

interface Variant {
  description: string;
  profile: 'paper' | 'extended';
  augment?: boolean;
  /** Applied to every clip before features: 'silence-trimmed' = speech-only (leading/trailing silence cut). */
  perturbation?: PerturbationName;
  kinds: ClassifierKind[];
  training: TrainingOptions;
  /** Speech-only trimming rule (training.speechOnly variants only); default: the package's noise-floor rule. */
  trimming?: SpeechTrimmingOptions;
  /** Also score the test folds under PERTURBATIONS (noise, gain, band limit), as evaluate:default does. */
  robustness?: boolean;
  /** Seed of the models' initialisation and shuffling when not the fold seed (seed-to-seed spread). */
  modelSeed?: number;
}

const paper = PAPER_TRAINING_OPTIONS;
// The recipe these experiments started from: DEFAULT_TRAINING_OPTIONS before noise augmentation.
const clean60 = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { maxEpochs: 60, noiseAugmentation: undefined });
// The experiments ran with early stopping on 15% of the training speakers (patience 20, at most 150 epochs).
const tuned = mergeTrainingOptions(clean60, { maxEpochs: 150, patience: 20, validationShare: 0.15, speechOnly: false });
const with_ = mergeTrainingOptions;
// Noise robustness (docs/evaluation.md, "Noise robustness"): the shipped recipe (60 fixed epochs, speech only,
// per-stream) with noise-floor trimming and noise augmentation; every run also scored under PERTURBATIONS.
const shipped = clean60;
const firstNoise: NoiseAugmentation = {
  copies: 2,
  snrDb: [5, 30],
  kinds: ['white', 'pink', 'babble'],
  conditions: 'per-copy',
  streams: 'copy',
  babbleTalkers: 4,
  seed: 7,
};
const noisy = (patch: Partial<NoiseAugmentation>, training: Partial<TrainingOptions> = {}) =>
  mergeTrainingOptions(shipped, { ...training, noiseAugmentation: { ...firstNoise, ...patch } });
const robust = (description: string, training: TrainingOptions, extra: Partial<Variant> = {}): Variant => ({
  description,
  profile: 'paper',
  kinds: ['mt-a-dnn'],
  training,
  robustness: true,
  ...extra,
});
const VARIANTS: Record<string, Variant> = {
  'paper-global': {
    description: 'as written: u vector, z = α⊙y, loss 1/1/1, no dropout/L2/class weights, global standardisation',
    profile: 'paper',
    kinds: ALL,
    training: paper,
  },
  'paper-units': {
    description: 'as written but z = 128·α⊙y',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(paper, { architecture: { ...paper.architecture, attentionScale: 'units' } }),
  },
  'paper-scalar': {
    description: 'as written but u scalar',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(paper, { architecture: { ...paper.architecture, attention: 'scalar' } }),
  },
  'tuned-global': {
    description: 'tuned (z = 128·α⊙y, loss 1/.5/.5, dropout .3, L2 1e-4, class weights), global standardisation',
    profile: 'paper',
    kinds: ALL,
    training: with_(tuned, { normalisation: 'global' }),
  },
  'tuned-stream': { description: 'tuned, per-speaker (per-stream) running normalisation', profile: 'paper', kinds: ALL, training: tuned },
  'tuned-stream-paperscale': {
    description: 'tuned + per-stream, but z = α⊙y',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { architecture: { ...tuned.architecture, attentionScale: 'paper' } }),
  },
  'tuned-stream-scalar': {
    description: 'tuned + per-stream, u scalar',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { architecture: { ...tuned.architecture, attention: 'scalar' } }),
  },
  'tuned-stream-loss111': {
    description: 'tuned + per-stream, loss weights 1/1/1',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { lossWeights: { emotion: 1, valence: 1, activation: 1 } }),
  },
  'tuned-stream-drop0': {
    description: 'tuned + per-stream, no dropout',
    profile: 'paper',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { dropout: 0 }),
  },
  'tuned-stream-drop5': {
    description: 'tuned + per-stream, dropout .5',
    profile: 'paper',
    kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'],
    training: with_(tuned, { dropout: 0.5 }),
  },
  'tuned-stream-fixed60': {
    description: 'tuned + per-stream, no early stopping: 60 epochs on all training speakers',
    profile: 'paper',
    kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'],
    training: with_(tuned, { patience: 0, validationShare: 0, maxEpochs: 60 }),
  },
  'tuned-stream-augment': {
    description: "tuned + per-stream + the paper's 85% crops for training",
    profile: 'paper',
    augment: true,
    kinds: ['svm', 'dnn', 'mt-a-dnn'],
    training: with_(tuned, { maxEpochs: 40, patience: 8 }),
  },
  'speech-stream': {
    description: 'tuned + per-stream, speech-only clips (leading/trailing silence trimmed, train and test)',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ALL,
    training: tuned,
  },
  'speech-stream-fixed60': {
    description: 'speech-only + per-stream, 60 epochs without early stopping',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ['mt-a-dnn', 'mt-dnn', 'dnn'],
    training: with_(tuned, { patience: 0, validationShare: 0, maxEpochs: 60 }),
  },
  'speech-stream-drop5': {
    description: 'speech-only + per-stream, dropout .5',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { dropout: 0.5 }),
  },
  'speech-stream-loss111': {
    description: 'speech-only + per-stream, loss weights 1/1/1',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { lossWeights: { emotion: 1, valence: 1, activation: 1 } }),
  },
  'speech-stream-scalar': {
    description: 'speech-only + per-stream, u scalar',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { architecture: { ...tuned.architecture, attention: 'scalar' } }),
  },
  'speech-stream-paperscale': {
    description: 'speech-only + per-stream, z = α⊙y (paper scale)',
    profile: 'paper',
    perturbation: 'silence-trimmed',
    kinds: ['mt-a-dnn'],
    training: with_(tuned, { architecture: { ...tuned.architecture, attentionScale: 'paper' } }),
  },
  'speech-extended': {
    description: 'speech-only + per-stream, extended feature profile (81 values)',
    profile: 'extended',
    perturbation: 'silence-trimmed',
    kinds: ALL,
    training: tuned,
  },
  'robust-before': robust('shipped recipe before this work: peak-relative trimming, no noise in training', shipped, {
    trimming: PEAK_ONLY_TRIMMING,
  }),
  'robust-trim': robust('shipped recipe with noise-floor trimming', shipped),
  'robust-noise2': robust(
    'noise-floor trimming + 2 noisy copies (white/pink/babble, 5-30 dB, one room per speaker copy, its own stream)',
    noisy({}),
  ),
  'robust-noise2-peaktrim': robust('as robust-noise2 but peak-relative trimming', noisy({}), { trimming: PEAK_ONLY_TRIMMING }),
  'robust-noise2-speakerstreams': robust(
    'as robust-noise2 but clean and noisy clips of a speaker normalised as one stream',
    noisy({ streams: 'speaker' }),
  ),
  'robust-noise2-perclip': robust('as robust-noise2 but every clip draws its own noise kind and SNR', noisy({ conditions: 'per-clip' })),
  'robust-noise2-nowhite': robust(
    'as robust-noise2 but pink and babble only (the test noise, white, never seen in training)',
    noisy({ kinds: ['pink', 'babble'] }),
  ),
  'robust-noise4-e30': robust(
    'as robust-noise2 but 4 noisy copies and 30 epochs (same number of updates per clean clip)',
    noisy({ copies: 4 }, { maxEpochs: 30 }),
  ),
  'robust-noise2-e30': robust('as robust-noise2 but 30 epochs', noisy({}, { maxEpochs: 30 })),
  'robust-noise2-perclip-e30': robust('as robust-noise2-perclip but 30 epochs', noisy({ conditions: 'per-clip' }, { maxEpochs: 30 })),
  'robust-noise4-perclip-e15': robust(
    'as robust-noise2-perclip but 4 noisy copies and 15 epochs',
    noisy({ conditions: 'per-clip', copies: 4 }, { maxEpochs: 15 }),
  ),
  'robust-noise6-perclip-e10': robust(
    'as robust-noise2-perclip but 6 noisy copies and 10 epochs',
    noisy({ conditions: 'per-clip', copies: 6 }, { maxEpochs: 10 }),
  ),
  'robust-noise8-perclip-e8': robust(
    'as robust-noise2-perclip but 8 noisy copies and 8 epochs',
    noisy({ conditions: 'per-clip', copies: 8 }, { maxEpochs: 8 }),
  ),
  'robust-noise6-perclip-e15': robust(
    'as robust-noise2-perclip but 6 noisy copies and 15 epochs',
    noisy({ conditions: 'per-clip', copies: 6 }, { maxEpochs: 15 }),
  ),
  'robust-noise6-perclip-e15-speakerstreams': robust(
    "as robust-noise6-perclip-e15 but each speaker's clean and noisy clips normalised as one stream",
    noisy({ conditions: 'per-clip', copies: 6, streams: 'speaker' }, { maxEpochs: 15 }),
  ),
  'robust-shipped': robust('the shipped recipe, DEFAULT_TRAINING_OPTIONS (= robust-noise6-perclip-e15)', DEFAULT_TRAINING_OPTIONS),
  'robust-noise4-perclip-e15-nowhite': robust(
    'as robust-noise4-perclip-e15 but pink and babble only (white, the test noise, never seen in training)',
    noisy({ conditions: 'per-clip', copies: 4, kinds: ['pink', 'babble'] }, { maxEpochs: 15 }),
  ),
  'robust-noise2-perclip-e30-snr0': robust(
    'as robust-noise2-perclip-e30 but SNRs 0-30 dB',
    noisy({ conditions: 'per-clip', snrDb: [0, 30] }, { maxEpochs: 30 }),
  ),
  'robust-white-matched': robust(
    'diagnostic, not a candidate: white noise only at 10-20 dB, per clip (the test noise itself)',
    noisy({ conditions: 'per-clip', kinds: ['white'], snrDb: [10, 20] }),
  ),
  'robust-denoise': robust(
    "shipped recipe + noise-floor trimming + spectral subtraction of each clip's noise floor",
    mergeTrainingOptions(shipped, { denoise: true }),
  ),
  'robust-denoise-noise2-perclip-e30': robust(
    'robust-denoise + 2 noisy copies per clip, 30 epochs (as robust-noise2-perclip-e30)',
    noisy({ conditions: 'per-clip' }, { denoise: true, maxEpochs: 30 }),
  ),
  'robust-noise2-baselines': {
    ...robust("as robust-noise2, the paper's Table 2 on the same folds and noisy training data", noisy({})),
    kinds: ALL,
  },
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
    // NAME@SEED: the same variant with another seed for the models (same folds): the seed-to-seed spread.
    const [base, seedText] = name.split('@');
    const variant = VARIANTS[base] && (seedText === undefined ? VARIANTS[base] : { ...VARIANTS[base], modelSeed: Number(seedText) });
    if (!variant || (seedText !== undefined && !Number.isInteger(variant.modelSeed))) throw new Error(`unknown variant ${name}`);
    const profile = loadFeatureProfile(variant.profile);
    const progress = new TextProgress(`${name}: features`);
    const perturbation = variant.perturbation;
    const speechOnly = !perturbation && variant.training.speechOnly;
    const trimming = variant.trimming;
    const denoise = variant.training.denoise;
    const data = await corpusFeatures(entries, profile, {
      perturbation,
      speechOnly,
      denoise,
      trimming,
      onProgress: (d, t) => progress.update(d, t),
    });
    const augmented = variant.augment
      ? await corpusFeatures(entries, profile, {
          augment: true,
          perturbation,
          speechOnly,
          denoise,
          trimming,
          onProgress: (d, t) => progress.update(d, t, 'crops'),
        })
      : undefined;
    const noise = variant.training.noiseAugmentation;
    const extraTraining =
      noise && noise.copies > 0
        ? await noiseAugmentedFeatures(entries, profile, noise, {
            pool: sameFoldPool(entries, FOLDS, CV_SEED),
            speechOnly,
            denoise,
            trimming,
            onProgress: (d, t) => progress.update(d, t, 'noisy copies'),
          })
        : undefined;
    const extraTestSets = [];
    for (const condition of variant.robustness ? PERTURBATIONS.slice(1) : []) {
      extraTestSets.push({
        name: condition,
        data: await corpusFeatures(entries, profile, {
          perturbation: condition,
          speechOnly,
          denoise,
          trimming,
          onProgress: (d, t) => progress.update(d, t, condition),
        }),
      });
    }
    const started = Date.now();
    const results = await crossValidate(data, {
      folds: FOLDS,
      seed: CV_SEED,
      modelSeed: variant.modelSeed,
      kinds: variant.kinds,
      training: variant.training,
      augmented,
      extraTraining,
      extraTestSets,
      onFold: ({ kind, fold, folds, metrics }) =>
        process.stderr.write(`${name} ${kind} fold ${fold}/${folds}: UAR ${(100 * metrics.uar).toFixed(1)}%\n`),
    });
    console.log(`\n${name}: ${variant.description} (${profile.name} profile, ${backend})`);
    console.log(formatComparisonTable(results.map((r) => ({ name: r.kind, metrics: r.metrics }))));
    for (const r of results.filter(() => variant.robustness)) {
      console.log(
        `${r.kind} robustness (UAR %): clean ${(100 * r.metrics.uar).toFixed(1)}, ` +
          Object.entries(r.extra)
            .map(([c, m]) => `${c} ${(100 * m.uar).toFixed(1)}`)
            .join(', '),
      );
    }
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
        ...(variant.robustness
          ? { robustness: Object.fromEntries(Object.entries(r.extra).map(([c, m]) => [c, { accuracy: m.accuracy, uar: m.uar }])) }
          : {}),
        ...(variant.modelSeed !== undefined ? { modelSeed: variant.modelSeed } : {}),
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
