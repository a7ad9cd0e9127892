import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { EMOTIONS } from '../../core/messages';
import { PERTURBATIONS, type PerturbationName } from '../../core/training/audio-perturbations';
import { initBackend } from '../../core/model/backend';
import { argmax } from '../../core/model/argmax';
import { classificationMetrics } from '../../core/training/classification-metrics';
import { corpusFeatures, loadFeatureProfile } from '../../core/training/corpus-features';
import { TABLE2_KINDS, type ClassifierKind } from '../../core/training/cross-validation';
import {
  crossValidateOverFoldSeeds,
  trainAndTestKinds,
  trainAndTestOnCorpus,
  type CorpusTest,
  type FoldSeedsRecord,
  type KindTest,
} from '../../core/training/corpus-generalisation';
import { concatVectors, type LabelledVectors } from '../../core/training/labelled-vectors';
import { otherSpeakersPool } from '../../core/training/noise-augmentation';
import { augmentedTrainingCopies, crossValidationTrainingCopies } from '../../core/training/training-copies';
import {
  confusionHeatmapSvg,
  evaluationReportHtml,
  formatComparisonTable,
  formatConfusionTable,
} from '../../core/training/evaluation-report';
import type { ClassificationMetrics } from '../../core/model/model-metadata';
import { asModelStreams } from '../../core/training/stream-simulation';
import type { TrainingOptions } from '../../core/training/training-options';
import { TextProgress } from '../text-progress';
import { addTrainingFlags, trainingOptionsFromCli, type TrainingFlags } from '../training-flags';
import { asUsageError, usageError } from '../cli-error';
import { loadModelFolder } from '../load-model';
import { checkCrossValidation, checkTrainable, readCorpora, type CorpusRows } from '../manifest-input';

interface EvaluateFlags extends TrainingFlags {
  manifest: string[];
  model?: string;
  cv?: string;
  foldSeeds: string;
  leaveOneCorpusOut?: boolean;
  baselines?: boolean;
  models?: string;
  robustness?: boolean;
  json?: boolean;
  report?: string;
}

interface ResultRow {
  name: string;
  metrics: ClassificationMetrics;
  robustness?: Record<string, ClassificationMetrics>;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const pct = (x: number) => (100 * x).toFixed(1);

export function register(program: Command): void {
  const command = program
    .command('evaluate')
    .description(
      'score a model on manifests (--model), cross-validate by speaker within each corpus (--cv K), or train on all corpora but one and test on that one (--leave-one-corpus-out)',
    )
    .requiredOption(
      '--manifest <csv>',
      'manifest of labelled clips (path,emotion[,speaker][,corpus]); repeat for several corpora, NAME=PATH names one',
      collect,
      [],
    )
    .option('--model <dir>', 'score this trained model on the manifests (one stream per speaker)')
    .option('--cv <k>', 'k-fold cross-validation by speaker within each corpus (no speaker in both train and test)')
    .option('--fold-seeds <n>', 'with --cv: repeat with fold seeds 1..n and report mean ± std', '3')
    .option(
      '--leave-one-corpus-out',
      'for every corpus: train on the others, test on it (streams per speaker and one stream for the corpus)',
    )
    .option(
      '--baselines',
      "with --cv or --leave-one-corpus-out: the paper's Table 2 on the same folds or corpora (SVM, random forest, plain DNN, MT-A-DNN)",
    )
    .option('--models <list>', 'with --cv or --leave-one-corpus-out: comma-separated models among svm,random-forest,dnn,mt-dnn,mt-a-dnn')
    .option('--robustness', `also score on the test clips with ${PERTURBATIONS.slice(1).join(', ')}`)
    .option('--json', 'print the results as JSON')
    .option('--report <file>', 'write an HTML (.html) or SVG (.svg) report with confusion heat maps');
  addTrainingFlags(command);
  command.action(async (flags: EvaluateFlags) => {
    const modes = [flags.model, flags.cv, flags.leaveOneCorpusOut].filter(Boolean).length;
    if (modes !== 1) throw usageError('give one of --model DIR, --cv K or --leave-one-corpus-out');
    const k = Number(flags.cv);
    if (flags.cv && !(Number.isInteger(k) && k >= 2)) throw usageError(`--cv must be an integer >= 2 (got ${flags.cv})`);
    const seedCount = Number(flags.foldSeeds);
    if (!(Number.isInteger(seedCount) && seedCount >= 1))
      throw usageError(`--fold-seeds must be a whole number >= 1 (got ${flags.foldSeeds})`);
    const kinds = flags.models ? flags.models.split(',') : flags.baselines ? TABLE2_KINDS : ['mt-a-dnn'];
    const unknownKinds = kinds.filter((kind) => !(TABLE2_KINDS as string[]).includes(kind) && kind !== 'mt-dnn');
    if (unknownKinds.length > 0)
      throw usageError(`--models: unknown model ${unknownKinds.join(', ')} (known: svm, random-forest, dnn, mt-dnn, mt-a-dnn)`);
    if (flags.leaveOneCorpusOut && (flags.robustness || flags.augment)) {
      throw usageError('--leave-one-corpus-out trains on clean clips and noisy or room copies only (no --robustness, --augment)');
    }
    const training = flags.model ? undefined : asUsageError(() => trainingOptionsFromCli(flags));
    const corpora = await readCorpora(flags.manifest);
    if (flags.leaveOneCorpusOut && corpora.length < 2) {
      throw usageError(
        `--leave-one-corpus-out needs at least two corpora (found ${corpora.map((c) => c.name).join(', ')}): repeat --manifest or give a corpus column`,
      );
    }
    const described = (c: CorpusRows) => (corpora.length > 1 ? `corpus ${c.name} of ${c.manifests.join(' + ')}` : c.manifests[0]);
    if (training && flags.cv) for (const c of corpora) checkCrossValidation(described(c), c.entries, training, k);
    if (training && flags.leaveOneCorpusOut)
      checkTrainable(
        corpora.map((c) => c.manifests.join(' + ')).join(', '),
        corpora.flatMap((c) => c.entries),
        training,
      );
    const backend = await initBackend();
    const perturbations: PerturbationName[] = flags.robustness ? PERTURBATIONS : ['clean'];
    const quiet = !!flags.json;
    const names = corpora.map((c) => c.name).join(', ');
    let rows: ResultRow[];
    let protocol: string;
    let foldSeeds: FoldSeedsRecord[] | undefined;
    let leaveOneCorpusOut: CorpusTest[] | undefined;
    let leaveOneCorpusOutKinds: KindTest[] | undefined;

    if (flags.model) {
      let nets: number;
      ({ rows, nets } = await scoreModel(flags.model, corpora, perturbations, quiet));
      protocol = `model ${flags.model}${nets > 1 ? ` (ensemble of ${nets} nets, probabilities averaged)` : ''} scored on ${flags.manifest.join(', ')} (one stream per speaker)`;
    } else if (flags.cv) {
      foldSeeds = await crossValidateCorpora(corpora, training!, flags, k, kinds as ClassifierKind[], perturbations, seedCount, quiet);
      const several = corpora.length > 1;
      rows = foldSeeds.map((r) => ({
        name: several ? `${r.kind} on ${r.corpus}` : r.kind,
        metrics: r.pooled,
        robustness: flags.robustness ? { clean: r.pooled, ...r.extraPooled } : undefined,
      }));
      const seeds = foldSeeds[0].seeds.join(',');
      protocol =
        `${k}-fold cross-validation by speaker within ${several ? `each corpus (${names})` : flags.manifest[0]}, fold seeds ${seeds} ` +
        `(confusion pooled over the seeds), ${flags.profile} features, normalisation ${training!.normalisation}, speech only ${training!.speechOnly ? 'yes' : 'no'}, ` +
        `denoised ${training!.denoise ? 'yes' : 'no'}, noisy copies ${training!.noiseAugmentation?.copies ?? 0}, room copies ${training!.roomDevice?.copies ?? 0}, model seed ${training!.seed}`;
    } else {
      const byKind = flags.models !== undefined || flags.baselines === true;
      const trainingOptions = training!;
      if (byKind) {
        leaveOneCorpusOutKinds = await leaveEachCorpusOut(corpora, trainingOptions, flags, quiet, (set, trainedOn, held) =>
          trainAndTestKinds(set, trainedOn, [held], 'leave-one-corpus-out', trainingOptions, kinds as ClassifierKind[]),
        );
        rows = leaveOneCorpusOutKinds.map((t) => ({ name: `${t.classifier}, ${t.testedOn} held out`, metrics: t.perSpeaker }));
      } else {
        leaveOneCorpusOut = await leaveEachCorpusOut(corpora, trainingOptions, flags, quiet, async (set, trainedOn, held) => [
          await trainAndTestOnCorpus(set, trainedOn, held, 'leave-one-corpus-out', trainingOptions),
        ]);
        rows = leaveOneCorpusOut.map((t) => ({ name: `${t.testedOn} held out`, metrics: t.perSpeaker }));
      }
      const trained = byKind ? kinds.join(', ') : 'MT-A-DNN';
      protocol =
        `leave one corpus out over ${names}: ${trained} trained on the other corpora (clean clips, ${training!.noiseAugmentation?.copies ?? 0} noisy and ${training!.roomDevice?.copies ?? 0} room copies), ` +
        `tested with one stream per speaker (confusion tables) and one stream for the whole corpus; model seed ${training!.seed}`;
    }

    if (flags.json) {
      console.log(JSON.stringify({ protocol, backend, results: rows, foldSeeds, leaveOneCorpusOut, leaveOneCorpusOutKinds }, null, 2));
    } else {
      console.log(protocol + ` (backend ${backend})\n`);
      for (const row of rows) console.log(formatConfusionTable(row.name, row.metrics) + '\n');
      if (rows.length > 1 && !leaveOneCorpusOut && !leaveOneCorpusOutKinds) console.log(formatComparisonTable(rows) + '\n');
      if (foldSeeds) console.log(formatFoldSeeds(foldSeeds) + '\n');
      if (leaveOneCorpusOut) console.log(formatLeaveOneCorpusOut(leaveOneCorpusOut) + '\n');
      if (leaveOneCorpusOutKinds) console.log(formatLeaveOneCorpusOutKinds(leaveOneCorpusOutKinds) + '\n');
      for (const row of rows.filter((r) => r.robustness)) console.log(formatRobustness(row.name, row.robustness!) + '\n');
    }
    if (flags.report) {
      const content = flags.report.endsWith('.svg')
        ? confusionHeatmapSvg(`${rows[rows.length - 1].name}: ${protocol}`, rows[rows.length - 1].metrics)
        : evaluationReportHtml('Speech emotion evaluation', rows, [protocol]);
      await writeFile(flags.report, content);
      if (!flags.json) console.log(`report written to ${flags.report}`);
    }
  });
}

async function scoreModel(
  dir: string,
  corpora: CorpusRows[],
  perturbations: PerturbationName[],
  quiet: boolean,
): Promise<{ rows: ResultRow[]; nets: number }> {
  const model = await loadModelFolder(dir);
  try {
    const profile = loadFeatureProfile(model.featureProfile);
    const progress = new TextProgress('features', process.stderr, !quiet);
    const rows: ResultRow[] = [];
    const pooled: Record<string, { truth: number[]; predicted: number[] }> = {};
    for (const corpus of corpora) {
      const byPerturbation: Record<string, ClassificationMetrics> = {};
      for (const perturbation of perturbations) {
        const data = await corpusFeatures(corpus.entries, profile, {
          perturbation,
          speechOnly: !!model.metadata.speechOnly,
          denoise: !!model.metadata.denoise,
          onProgress: (d, t) => progress.update(d, t, `${corpus.name} ${perturbation}`),
        });
        const vectors = asModelStreams(model.metadata.normalisation, data.vectors, data.speakers, 1);
        const predicted = model.predict(vectors).map((p) => argmax(EMOTIONS.map((e) => p.probabilities[e])));
        byPerturbation[perturbation] = classificationMetrics(data.labels, predicted, EMOTIONS);
        const pool = (pooled[perturbation] ??= { truth: [], predicted: [] });
        pool.truth.push(...data.labels);
        pool.predicted.push(...predicted);
      }
      const name = corpora.length > 1 ? `mt-a-dnn on ${corpus.name}` : 'mt-a-dnn';
      rows.push({ name, metrics: byPerturbation.clean, robustness: perturbations.length > 1 ? byPerturbation : undefined });
    }
    if (corpora.length > 1) {
      const all = Object.fromEntries(
        Object.entries(pooled).map(([p, { truth, predicted }]) => [p, classificationMetrics(truth, predicted, EMOTIONS)]),
      );
      rows.push({ name: 'mt-a-dnn on all corpora', metrics: all.clean, robustness: perturbations.length > 1 ? all : undefined });
    }
    return { rows, nets: model.members.length };
  } finally {
    model.dispose();
  }
}

async function crossValidateCorpora(
  corpora: CorpusRows[],
  training: TrainingOptions,
  flags: EvaluateFlags,
  k: number,
  kinds: ClassifierKind[],
  perturbations: PerturbationName[],
  seedCount: number,
  quiet: boolean,
): Promise<FoldSeedsRecord[]> {
  const profile = asUsageError(() => loadFeatureProfile(flags.profile));
  const { speechOnly, denoise } = training;
  const progress = new TextProgress('features', process.stderr, !quiet);
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const records: FoldSeedsRecord[] = [];
  for (const corpus of corpora) {
    const { entries, name } = corpus;
    const data = await corpusFeatures(entries, profile, { speechOnly, denoise, onProgress: (d, t) => progress.update(d, t, name) });
    const augmented = flags.augment
      ? await corpusFeatures(entries, profile, {
          augment: true,
          speechOnly,
          denoise,
          onProgress: (d, t) => progress.update(d, t, `${name} crops`),
        })
      : undefined;
    const extraTestSets = [];
    for (const perturbation of perturbations.slice(1)) {
      extraTestSets.push({
        name: perturbation,
        data: await corpusFeatures(entries, profile, {
          perturbation,
          speechOnly,
          denoise,
          onProgress: (d, t) => progress.update(d, t, `${name} ${perturbation}`),
        }),
      });
    }
    const folds = new TextProgress(`cross-validation ${name}`, process.stderr, !quiet);
    let done = 0;
    records.push(
      ...(await crossValidateOverFoldSeeds(data, {
        corpus: name,
        folds: k,
        seeds,
        kinds,
        training,
        augmented,
        extraTestSets,
        extraTrainingFor: (seed) =>
          crossValidationTrainingCopies(entries, profile, training, { folds: k, seed }, (d, t, what) =>
            progress.update(d, t, `${name} ${what}`),
          ),
        onFold: ({ seed, kind, fold }) => folds.update(++done, k * kinds.length * seeds.length, `fold seed ${seed} ${kind} fold ${fold}`),
      })),
    );
  }
  return records;
}

/**
 * Leave each corpus out: `trainAndTest` trains on the other corpora (clean clips and the recipe's copies, babble from each
 * corpus's own other speakers) and tests on the held-out one.
 */
async function leaveEachCorpusOut<T>(
  corpora: CorpusRows[],
  training: TrainingOptions,
  flags: EvaluateFlags,
  quiet: boolean,
  trainAndTest: (trainingSet: LabelledVectors, trainedOn: string[], held: { name: string; clean: LabelledVectors }) => Promise<T[]>,
): Promise<T[]> {
  const profile = asUsageError(() => loadFeatureProfile(flags.profile));
  const frontEnd = { speechOnly: training.speechOnly, denoise: training.denoise };
  const progress = new TextProgress('features', process.stderr, !quiet);
  const prepared: { name: string; clean: LabelledVectors; trainingSet: LabelledVectors }[] = [];
  for (const corpus of corpora) {
    const clean = await corpusFeatures(corpus.entries, profile, { ...frontEnd, onProgress: (d, t) => progress.update(d, t, corpus.name) });
    // babble made of this corpus's other speakers only
    const copies = await augmentedTrainingCopies(corpus.entries, profile, training, otherSpeakersPool(corpus.entries), (d, t, what) =>
      progress.update(d, t, `${corpus.name} ${what}`),
    );
    prepared.push({ name: corpus.name, clean, trainingSet: copies ? concatVectors(clean, copies) : clean });
  }
  const results: T[] = [];
  const bar = new TextProgress('leave one corpus out', process.stderr, !quiet);
  for (const [i, held] of prepared.entries()) {
    bar.update(i, prepared.length, `${held.name} held out`);
    const others = prepared.filter((c) => c !== held);
    const trainingSet = others.map((c) => c.trainingSet).reduce(concatVectors);
    results.push(
      ...(await trainAndTest(
        trainingSet,
        others.map((c) => c.name),
        held,
      )),
    );
  }
  bar.update(prepared.length, prepared.length, 'done');
  return results;
}

function formatLeaveOneCorpusOutKinds(tests: KindTest[]): string {
  const heldOut = [...new Set(tests.map((t) => t.testedOn))];
  const kinds = [...new Set(tests.map((t) => t.classifier))];
  const cell = (perSpeaker: number, perCorpus: number) => `${pct(perSpeaker)} / ${pct(perCorpus)}`.padStart(16);
  const lines = [
    'leave one corpus out, every model on the same sets: UAR % with one stream per speaker / one stream for the whole corpus',
    `${'model'.padEnd(16)}${[...heldOut.map((name) => `${name} held out`), 'mean'].map((h) => h.padStart(16)).join('')}`,
  ];
  for (const kind of kinds) {
    const own = heldOut.map((name) => tests.find((t) => t.classifier === kind && t.testedOn === name)!);
    const mean = (f: (t: KindTest) => number) => own.reduce((s, t) => s + f(t), 0) / own.length;
    lines.push(
      `${kind.padEnd(16)}${own.map((t) => cell(t.perSpeaker.uar, t.perCorpus.uar)).join('')}${cell(
        mean((t) => t.perSpeaker.uar),
        mean((t) => t.perCorpus.uar),
      )}`,
    );
  }
  return lines.join('\n');
}

function formatFoldSeeds(records: FoldSeedsRecord[]): string {
  const lines = ['UAR and accuracy %, mean ± std over fold seeds (each seed: UAR)'];
  for (const r of records) {
    lines.push(
      `${`${r.kind} on ${r.corpus}`.padEnd(34)} UAR ${pct(r.uar.mean)} ± ${pct(r.uar.std)}  accuracy ${pct(r.accuracy.mean)} ± ${pct(r.accuracy.std)}  (seeds ${r.seeds.join(',')}: ${r.uar.values.map(pct).join(', ')})`,
    );
  }
  return lines.join('\n');
}

function formatLeaveOneCorpusOut(tests: CorpusTest[]): string {
  const lines = [
    'leave one corpus out: UAR % with one stream per speaker / one stream for the whole corpus',
    `${'held out'.padEnd(20)}${'trained on'.padEnd(30)}${'per speaker'.padStart(12)}${'one stream'.padStart(12)}`,
  ];
  for (const t of tests) {
    lines.push(
      `${t.testedOn.padEnd(20)}${t.trainedOn.join('+').padEnd(30)}${pct(t.perSpeaker.uar).padStart(12)}${pct(t.perCorpus.uar).padStart(12)}`,
    );
  }
  const mean = (f: (t: CorpusTest) => number) => tests.reduce((s, t) => s + f(t), 0) / tests.length;
  lines.push(`${'mean'.padEnd(50)}${pct(mean((t) => t.perSpeaker.uar)).padStart(12)}${pct(mean((t) => t.perCorpus.uar)).padStart(12)}`);
  return lines.join('\n');
}

function formatRobustness(name: string, byCondition: Record<string, ClassificationMetrics>): string {
  const clean = byCondition.clean;
  const lines = [`${name} under living-room conditions (UAR / accuracy %, change vs clean in UAR points)`];
  for (const [condition, m] of Object.entries(byCondition)) {
    const drop = 100 * (m.uar - clean.uar);
    lines.push(
      `${condition.padEnd(18)}${(100 * m.uar).toFixed(1).padStart(7)}${(100 * m.accuracy).toFixed(1).padStart(8)}${(condition === 'clean' ? '' : (drop >= 0 ? '+' : '') + drop.toFixed(1)).padStart(8)}`,
    );
  }
  return lines.join('\n');
}
