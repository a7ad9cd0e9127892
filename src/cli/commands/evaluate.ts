import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { EMOTIONS } from '../../core/messages';
import { PERTURBATIONS, type PerturbationName } from '../../core/training/audio-perturbations';
import { initBackend } from '../../core/model/backend';
import { argmax } from '../../core/model/argmax';
import { classificationMetrics } from '../../core/training/classification-metrics';
import { corpusFeatures, loadFeatureProfile } from '../../core/training/corpus-features';
import { TABLE2_KINDS, crossValidate, type ClassifierKind } from '../../core/training/cross-validation';
import { crossValidationNoiseCopies } from '../../core/training/noise-augmentation';
import {
  confusionHeatmapSvg,
  evaluationReportHtml,
  formatComparisonTable,
  formatConfusionTable,
} from '../../core/training/evaluation-report';
import type { ClassificationMetrics } from '../../core/model/model-metadata';
import { normaliseAsStreams } from '../../core/training/stream-simulation';
import { TextProgress } from '../text-progress';
import { addTrainingFlags, trainingOptionsFromCli, type TrainingFlags } from '../training-flags';
import { asUsageError, usageError } from '../cli-error';
import { loadModelFolder } from '../load-model';
import { checkCrossValidation, readManifestRows } from '../manifest-input';

interface EvaluateFlags extends TrainingFlags {
  manifest: string;
  model?: string;
  cv?: string;
  baselines?: boolean;
  models?: string;
  robustness?: boolean;
  json?: boolean;
  report?: string;
}

export function register(program: Command): void {
  const command = program
    .command('evaluate')
    .description('score a model on a manifest (--model) or cross-validate by speaker groups (--cv K)')
    .requiredOption('--manifest <csv>', 'manifest of labelled clips (path,emotion[,speaker])')
    .option('--model <dir>', 'score this trained model on the manifest')
    .option('--cv <k>', 'k-fold cross-validation by speaker groups (no speaker in both train and test)')
    .option('--baselines', "with --cv: the paper's Table 2 on the same folds (SVM, random forest, plain DNN, MT-A-DNN)")
    .option('--models <list>', 'with --cv: comma-separated models among svm,random-forest,dnn,mt-dnn,mt-a-dnn')
    .option('--robustness', `also score on the test clips with ${PERTURBATIONS.slice(1).join(', ')}`)
    .option('--json', 'print the results as JSON')
    .option('--report <file>', 'write an HTML (.html) or SVG (.svg) report with confusion heat maps');
  addTrainingFlags(command);
  command.action(async (flags: EvaluateFlags) => {
    if (!!flags.model === !!flags.cv) throw usageError('give either --model DIR or --cv K');
    const k = Number(flags.cv);
    if (flags.cv && !(Number.isInteger(k) && k >= 2)) throw usageError(`--cv must be an integer >= 2 (got ${flags.cv})`);
    const kinds = flags.models ? flags.models.split(',') : flags.baselines ? TABLE2_KINDS : ['mt-a-dnn'];
    const unknownKinds = kinds.filter((kind) => !(TABLE2_KINDS as string[]).includes(kind) && kind !== 'mt-dnn');
    if (unknownKinds.length > 0)
      throw usageError(`--models: unknown model ${unknownKinds.join(', ')} (known: svm, random-forest, dnn, mt-dnn, mt-a-dnn)`);
    const training = flags.cv ? asUsageError(() => trainingOptionsFromCli(flags)) : undefined;
    const entries = await readManifestRows(flags.manifest);
    if (training) checkCrossValidation(flags.manifest, entries, training, k);
    const backend = await initBackend();
    const progress = new TextProgress('features', process.stderr, !flags.json);
    const perturbations: PerturbationName[] = flags.robustness ? PERTURBATIONS : ['clean'];
    let rows: { name: string; metrics: ClassificationMetrics; robustness?: Record<string, ClassificationMetrics> }[];
    let protocol: string;

    if (flags.model) {
      const model = await loadModelFolder(flags.model);
      const profile = loadFeatureProfile(model.featureProfile);
      rows = [];
      const byPerturbation: Record<string, ClassificationMetrics> = {};
      for (const perturbation of perturbations) {
        const data = await corpusFeatures(entries, profile, {
          perturbation,
          speechOnly: !!model.metadata.speechOnly,
          denoise: !!model.metadata.denoise,
          onProgress: (d, t) => progress.update(d, t, perturbation),
        });
        const spec = model.metadata.normalisation;
        const vectors =
          spec.mode === 'per-stream' && spec.prior
            ? normaliseAsStreams(
                data.vectors,
                data.speakers,
                { prior: spec.prior, priorWeight: spec.priorWeight ?? 4, memory: spec.memory ?? 200 },
                1,
              )
            : data.vectors;
        const predicted = model.predict(vectors).map((p) => argmax(EMOTIONS.map((e) => p.probabilities[e])));
        byPerturbation[perturbation] = classificationMetrics(data.labels, predicted, EMOTIONS);
      }
      model.dispose();
      rows.push({ name: 'mt-a-dnn', metrics: byPerturbation.clean, robustness: flags.robustness ? byPerturbation : undefined });
      protocol = `model ${flags.model} scored on ${flags.manifest}`;
    } else {
      if (!training) throw new Error('cross-validation without training options');
      const profile = asUsageError(() => loadFeatureProfile(flags.profile));
      const { speechOnly, denoise } = training;
      const data = await corpusFeatures(entries, profile, { speechOnly, denoise, onProgress: (d, t) => progress.update(d, t) });
      const augmented = flags.augment
        ? await corpusFeatures(entries, profile, {
            augment: true,
            speechOnly,
            denoise,
            onProgress: (d, t) => progress.update(d, t, 'crops'),
          })
        : undefined;
      const extraTraining = await crossValidationNoiseCopies(entries, profile, training, { folds: k, seed: training.seed }, (d, t) =>
        progress.update(d, t, 'noisy copies'),
      );
      const extraTestSets = [];
      for (const perturbation of perturbations.slice(1)) {
        extraTestSets.push({
          name: perturbation,
          data: await corpusFeatures(entries, profile, {
            perturbation,
            speechOnly,
            denoise,
            onProgress: (d, t) => progress.update(d, t, perturbation),
          }),
        });
      }
      const folds = new TextProgress('cross-validation', process.stderr, !flags.json);
      let done = 0;
      const results = await crossValidate(data, {
        folds: k,
        seed: training.seed,
        kinds: kinds as ClassifierKind[],
        training,
        augmented,
        extraTraining,
        extraTestSets,
        onFold: ({ kind, fold }) => folds.update(++done, k * kinds.length, `${kind} fold ${fold}`),
      });
      rows = results.map((r) => ({
        name: r.kind,
        metrics: r.metrics,
        robustness: flags.robustness ? { clean: r.metrics, ...r.extra } : undefined,
      }));
      protocol = `${k}-fold cross-validation by speaker on ${flags.manifest}, ${profile.name} features, normalisation ${training.normalisation}, speech only ${training.speechOnly ? 'yes' : 'no'}, denoised ${training.denoise ? 'yes' : 'no'}, noisy copies ${training.noiseAugmentation?.copies ?? 0}, seed ${training.seed}`;
    }

    if (flags.json) {
      console.log(JSON.stringify({ protocol, backend, results: rows }, null, 2));
    } else {
      console.log(protocol + ` (backend ${backend})\n`);
      for (const row of rows) console.log(formatConfusionTable(row.name, row.metrics) + '\n');
      if (rows.length > 1) console.log(formatComparisonTable(rows) + '\n');
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
