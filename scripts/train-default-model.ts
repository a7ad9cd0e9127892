// Trains the model shipped in models/default on every corpus whose licence allows it (RAVDESS and nEMO), with the
// recipe chosen by generalisation (docs/evaluation.md, "Generalisation"): SHIPPED_TRAINING_OPTIONS, measured by the
// run SHIPPED_RUN of docs/generalisation-runs.json, whose figures go into the model's metadata (the script checks
// that the run measured exactly these options).
// Usage: npm run train:default -- [--ravdess DIR|CSV] [--nemo DIR|CSV]
//   or   RAVDESS_DIR=... NEMO_DIR=... npm run train:default
//        npm run train:default -- --figures-only   (copies the run's figures into models/default/metadata.json only)
// A DIR holds the corpus's manifest.csv (scripts/corpora/README.md says how to prepare each); RAVDESS defaults to
// SHARED_DIR's (or shared/ beside the repository) ravdess-4class-16k, nEMO to ../corpora/nemo beside the repository.
import { deepStrictEqual } from 'node:assert';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/core/model/backend';
import type { ClassificationMetrics, ModelMetadata, TrainingCorpus } from '../src/core/model/model-metadata';
import { DEFAULT_MODEL_DIR } from '../src/core/model/package-paths';
import { TextProgress } from '../src/cli/text-progress';
import { readManifest } from '../src/core/training/corpus-manifest';
import { trainFromManifest } from '../src/core/training/train-from-manifest';
import { DEFAULT_NOISE_AUGMENTATION } from '../src/core/training/noise-augmentation';
import { DEFAULT_ROOM_DEVICE_SEED } from '../src/core/training/room-device-augmentation';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions, type TrainingOptions } from '../src/core/training/training-options';
import { FULL_DATA } from '../test/helpers/corpus';

const root = join(__dirname, '..');
/** The generalisation run that measured the shipped recipe (SHIPPED_ENSEMBLE nets, as shipped). */
const SHIPPED_RUN = 'regularised-noise2-room2';
/** One net: 5 seeds of this recipe measured level with one in LOCO and on unseen corpora (docs/evaluation.md, "An ensemble of 5 nets"). */
const SHIPPED_ENSEMBLE = 1;
/**
 * The default preset with stronger regularisation, 2 noisy copies and 2 room-and-device copies per clip
 * (docs/evaluation.md, "Generalisation" and "Room copies shipped").
 */
const SHIPPED_TRAINING_OPTIONS = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, {
  dropout: 0.5,
  l2: 1e-3,
  noiseAugmentation: { ...DEFAULT_NOISE_AUGMENTATION, copies: 2 },
  roomDevice: { copies: 2, seed: DEFAULT_ROOM_DEVICE_SEED },
});
const RUNS_FILE = join(root, 'docs', 'generalisation-runs.json');

/** The corpora of the shipped model, in training order, with what their licences say. */
const CORPORA = [
  {
    name: 'ravdess',
    language: 'English (North American)',
    source: 'https://zenodo.org/record/1188976 (Livingstone & Russo 2018, https://doi.org/10.1371/journal.pone.0196391)',
    licence: 'CC BY-NC-SA 4.0',
    env: 'RAVDESS_DIR',
    fallback: FULL_DATA.corpus16k,
  },
  {
    name: 'nemo',
    language: 'Polish',
    source: 'https://github.com/amu-cai/nEMO at 66de9999a8f2f605eb5f64841790aa5cb0877782 (Christop 2024, LREC-COLING)',
    licence: 'CC BY-NC-SA 4.0',
    env: 'NEMO_DIR',
    fallback: join(root, '..', 'corpora', 'nemo'),
  },
];

interface RecordedTest {
  trainedOn: string[];
  testedOn: string;
  kind: string;
  perSpeaker: ClassificationMetrics;
  perCorpus: { uar: number };
}
interface RecordedRun {
  name: string;
  command: string;
  recipe: { flags: { ensemble?: string; roomCopies?: string }; training: TrainingOptions };
  tests: RecordedTest[];
  meanLocoUar: { perSpeaker: number; perCorpus: number };
  crossValidation?: { corpus: string; seeds: number[]; uar: { mean: number; std: number }; accuracy: { mean: number; std: number } };
}

/** The recorded run of the shipped recipe, checked to have measured SHIPPED_TRAINING_OPTIONS as one model. */
function shippedRun(): RecordedRun | undefined {
  const runs = JSON.parse(readFileSync(RUNS_FILE, 'utf8')) as RecordedRun[];
  const run = runs.find((r) => r.name === SHIPPED_RUN);
  if (!run) return undefined;
  const members = Number(run.recipe.flags.ensemble ?? 1);
  if (members !== SHIPPED_ENSEMBLE)
    throw new Error(`run "${SHIPPED_RUN}" measured ${members} nets, the shipped model has ${SHIPPED_ENSEMBLE}`);
  deepStrictEqual(measuredTraining(run), JSON.parse(JSON.stringify(SHIPPED_TRAINING_OPTIONS)), `run ${SHIPPED_RUN} measured other options`);
  return run;
}

/**
 * The training options a run measured. Runs recorded before room copies were a training option have them
 * in their flags only (`--room-copies N`, then always drawn with seed DEFAULT_ROOM_DEVICE_SEED): they are
 * put back into the options here, and a run that has both must agree.
 */
function measuredTraining(run: RecordedRun): TrainingOptions {
  const flagged = Number(run.recipe.flags.roomCopies ?? 0);
  const recorded = run.recipe.training.roomDevice;
  if (recorded) {
    if (run.recipe.flags.roomCopies !== undefined && flagged !== recorded.copies)
      throw new Error(`run "${run.name}" has --room-copies ${flagged} but room copies ${recorded.copies} in its training options`);
    return run.recipe.training;
  }
  return flagged > 0 ? { ...run.recipe.training, roomDevice: { copies: flagged, seed: DEFAULT_ROOM_DEVICE_SEED } } : run.recipe.training;
}

function manifestOf(pathArg: string): string {
  const path = resolve(pathArg);
  const manifest = existsSync(path) && statSync(path).isDirectory() ? join(path, 'manifest.csv') : path;
  if (!existsSync(manifest)) throw new Error(`${manifest} not found: prepare the corpus first (scripts/corpora/README.md)`);
  return manifest;
}

async function main() {
  const { values } = parseArgs({ options: { ravdess: { type: 'string' }, nemo: { type: 'string' }, 'figures-only': { type: 'boolean' } } });
  const run = shippedRun();
  if (values['figures-only']) {
    if (!run) throw new Error(`${RUNS_FILE} has no run "${SHIPPED_RUN}"`);
    const file = join(DEFAULT_MODEL_DIR, 'metadata.json');
    const metadata = JSON.parse(readFileSync(file, 'utf8')) as ModelMetadata;
    deepStrictEqual(
      metadata.training.options,
      measuredTraining(run),
      `models/default was not trained with the options of run ${SHIPPED_RUN}`,
    );
    metadata.metrics = metricsOf(run);
    metadata.crossValidation = crossValidationOf(run);
    writeFileSync(file, JSON.stringify(metadata, null, 2) + '\n');
    console.log(`${file}: figures of run ${SHIPPED_RUN}`);
    return;
  }
  if (!run) console.warn(`${RUNS_FILE} has no run "${SHIPPED_RUN}" yet: the model is saved without its figures`);

  const manifests = CORPORA.map((c) =>
    manifestOf((values as Record<string, string | undefined>)[c.name] ?? process.env[c.env] ?? c.fallback),
  );
  const corpora: TrainingCorpus[] = [];
  for (const [i, c] of CORPORA.entries()) {
    const { entries } = await readManifest(manifests[i]);
    corpora.push({
      name: c.name,
      language: c.language,
      clips: entries.length,
      speakers: new Set(entries.map((e) => e.speaker)).size,
      source: c.source,
      licence: c.licence,
    });
  }

  const backend = await initBackend();
  const features = new TextProgress('features');
  const epochs = new TextProgress('training');
  const model = await trainFromManifest({
    manifest: manifests,
    profile: 'paper',
    augment: false,
    training: SHIPPED_TRAINING_OPTIONS,
    ensemble: SHIPPED_ENSEMBLE,
    dataLicence: 'RAVDESS (Livingstone & Russo 2018) and nEMO (Christop 2024), both CC BY-NC-SA 4.0: non-commercial use only',
    onFeatures: (d, t) => features.update(d, t),
    onEpoch: (r) => epochs.update(r.epoch, r.maxEpochs),
  });
  epochs.finish();
  // Record the manifests by corpus name, not this machine's absolute paths.
  model.metadata.training.manifest = CORPORA.map((c, i) => `${c.name}: ${relative(root, manifests[i])}`).join(', ');
  model.metadata.training.corpora = corpora;
  if (run) {
    model.metadata.metrics = metricsOf(run);
    model.metadata.crossValidation = crossValidationOf(run);
  }
  await model.save(DEFAULT_MODEL_DIR);
  writeFileSync(join(DEFAULT_MODEL_DIR, 'LICENSE-DATA.txt'), DATA_LICENCE);
  console.log(
    `saved ${DEFAULT_MODEL_DIR} (${model.metadata.training.clips} clips of ${corpora.map((c) => c.name).join(' + ')}, ` +
      `${model.metadata.training.examples} examples, ${model.members.length} nets × ${model.metadata.training.epochs} epochs, recipe of run ${SHIPPED_RUN}, backend ${backend})`,
  );
  model.dispose();
}

/** The chosen run's figures, each saying how it was measured (the same recipe, trained without the corpus tested). */
function metricsOf(run: RecordedRun): NonNullable<ModelMetadata['metrics']> {
  const metrics: NonNullable<ModelMetadata['metrics']> = {};
  for (const t of run.tests) {
    metrics[`${t.kind === 'eval-only' ? 'unseen' : 'leave-one-corpus-out'}-${t.testedOn}`] = {
      ...t.perSpeaker,
      protocol:
        `${t.testedOn} tested with the same recipe trained on ${t.trainedOn.join('+')} only (one stream per speaker; ` +
        `UAR ${(100 * t.perCorpus.uar).toFixed(1)}% as one stream for the whole corpus), run ${run.name} of docs/generalisation-runs.json`,
    };
  }
  return metrics;
}

function crossValidationOf(run: RecordedRun): ModelMetadata['crossValidation'] {
  const cv = run.crossValidation;
  if (!cv) return undefined;
  return {
    corpus: cv.corpus,
    uar: cv.uar,
    accuracy: cv.accuracy,
    protocol: `6-fold cross-validation by speaker within ${cv.corpus}, fold seeds ${cv.seeds.join(', ')}, run ${run.name} of docs/generalisation-runs.json`,
  };
}

const DATA_LICENCE = `The model in this directory was trained on two corpora, both licensed CC BY-NC-SA 4.0
(https://creativecommons.org/licenses/by-nc-sa/4.0/):

- RAVDESS: Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional Speech and Song (RAVDESS).
  PLoS ONE 13(5): e0196391. https://doi.org/10.1371/journal.pone.0196391
- nEMO: Christop (2024) nEMO: Dataset of Emotional Speech in Polish. Proceedings of LREC-COLING 2024.
  https://aclanthology.org/2024.lrec-main.1059/ (https://github.com/amu-cai/nEMO)

This model is an adaptation of both and is shared under the same licence: non-commercial use only, with
attribution to both corpora; train your own model for other uses.
`;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
