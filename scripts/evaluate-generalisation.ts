// How a training recipe generalises to voices, languages and recordings it was not trained on
// (issue 10; docs/evaluation.md, "Generalisation"):
// - leave one corpus out: for every trainable corpus, train on the others and test on it;
// - eval-only corpora: tested with a model trained on all trainable corpora (never trained on);
// - test-time per-stream normalisation two ways: one stream per speaker, one stream for the whole test corpus;
// - within-corpus cross-validation by speaker (6 folds) over several fold seeds, mean ± std.
// Usage:
//   node --import tsx scripts/evaluate-generalisation.ts --name NAME \
//     --corpus ravdess=PATH.csv --corpus nemo=PATH.csv --eval-only turevdb=PATH.csv [speech-emotion train flags] \
//     [--cv-corpus ravdess] [--cv-seeds 1,2,3] [--skip-cv] [--ensemble N] [--hidden-units N] \
//     [--train-streams speaker|corpus] [--balance-corpora] [--baselines] [--results docs/generalisation-runs.json]
// The run's record is stored under its name in the results JSON (re-running a name replaces it) and the
// Markdown tables of all recorded runs are written beside it (same name, .md).
import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMOTIONS } from '../src/core/messages';
import { initBackend } from '../src/core/model/backend';
import { corpusFeatures, loadFeatureProfile, type ClipFeatureProfile } from '../src/core/training/corpus-features';
import { readManifest, type ManifestEntry } from '../src/core/training/corpus-manifest';
import { concatVectors, streamsOf, subsetOf, type LabelledVectors } from '../src/core/training/labelled-vectors';
import {
  crossValidateOverFoldSeeds,
  trainAndTestKinds,
  trainAndTestOnCorpora,
  type CorpusTest,
  type KindTest,
} from '../src/core/training/corpus-generalisation';
import type { ClassifierKind } from '../src/core/training/cross-validation';
import { otherSpeakersPool } from '../src/core/training/noise-augmentation';
import { augmentedTrainingCopies, crossValidationTrainingCopies } from '../src/core/training/training-copies';
import { addTrainingFlags, trainingOptionsFromCli, type TrainingFlags } from '../src/cli/training-flags';
import { mergeTrainingOptions, type TrainingOptions } from '../src/core/training/training-options';
import { cpuSeconds } from './bench/cpu-time';

const root = join(__dirname, '..');
const FOLDS = 6;

interface Flags extends TrainingFlags {
  name: string;
  markdownOnly?: boolean;
  corpus: string[];
  evalOnly: string[];
  cvCorpus: string;
  cvSeeds: string;
  skipCv?: boolean;
  ensemble: string;
  hiddenUnits?: string;
  trainStreams: 'speaker' | 'corpus';
  balanceCorpora?: boolean;
  heldOut?: string;
  labelSmoothing?: string;
  baselines?: boolean;
  results: string;
}

/** The paper's Table 2 and the multi-task DNN without attention, compared by --baselines. */
const BASELINE_KINDS: ClassifierKind[] = ['svm', 'random-forest', 'dnn', 'mt-dnn', 'mt-a-dnn'];

interface Corpus {
  name: string;
  manifest: string;
  entries: ManifestEntry[];
  clean: LabelledVectors;
  /** Augmented training copies (noise with babble from the corpus's other speakers; rooms and devices), if the recipe has them. */
  copies?: LabelledVectors;
}

interface CrossValidationRecord {
  corpus: string;
  folds: number;
  seeds: number[];
  uar: { mean: number; std: number; values: number[] };
  accuracy: { mean: number; std: number; values: number[] };
  recall: Record<string, number>;
}

interface RunRecord {
  name: string;
  command: string;
  recipe: { flags: Record<string, unknown>; training: TrainingOptions };
  backend: string;
  date: string;
  tests: CorpusTest[];
  meanLocoUar: { perSpeaker: number; perCorpus: number };
  crossValidation?: CrossValidationRecord;
  /** --baselines: every kind of BASELINE_KINDS on the same training sets and tests */
  baselines?: KindTest[];
  /** CPU seconds of the whole run (features and augmented copies not yet cached, training, tests, CV), user + system, all threads. */
  processCpuSeconds?: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function parseFlags(argv: string[]): Flags {
  const command = new Command()
    .name('evaluate-generalisation')
    .option('--name <name>', 'name of this run in the results (required unless --markdown-only)')
    .option('--markdown-only', 'only rewrite the Markdown tables from the results JSON (e.g. after merging runs into it)')
    .option('--corpus <name=manifest>', 'a corpus to train on and to hold out (repeat)', collect, [])
    .option('--eval-only <name=manifest>', 'a corpus only ever tested on (repeat)', collect, [])
    .option('--cv-corpus <name>', 'the corpus of the within-corpus cross-validation by speaker', 'ravdess')
    .option('--cv-seeds <list>', 'fold seeds of the within-corpus cross-validation', '1,2,3')
    .option('--skip-cv', 'no within-corpus cross-validation (quick runs)')
    .option('--held-out <list>', 'leave only these corpora out (default: each trainable corpus in turn), e.g. nemo for a quick run')
    .option('--ensemble <n>', 'average the probabilities of n models trained with seeds seed, seed+1, ...', '1')
    .option('--hidden-units <n>', 'width of the shared layer (default 128)')
    .option('--train-streams <unit>', 'per-stream normalisation groups in training: speaker or corpus', 'speaker')
    .option('--label-smoothing <share>', 'share of every one-hot training target spread over the classes, e.g. 0.1')
    .option('--balance-corpora', 'repeat the clips of smaller corpora so every training corpus weighs the same')
    .option('--baselines', "also train the paper's Table 2 (SVM, random forest, DNN, multi-task DNN, MT-A-DNN) on the same sets")
    .option('--results <json>', 'results file (a Markdown file of the same name is written beside it)', 'docs/generalisation-runs.json');
  addTrainingFlags(command);
  command.parse(argv, { from: 'user' });
  return command.opts<Flags>();
}

function parseCorpusArg(arg: string): { name: string; manifest: string } {
  const at = arg.indexOf('=');
  if (at <= 0) throw new Error(`--corpus and --eval-only take NAME=MANIFEST (got "${arg}")`);
  return { name: arg.slice(0, at), manifest: arg.slice(at + 1) };
}

function recipeTraining(flags: Flags): TrainingOptions {
  if (flags.augment) throw new Error('--augment (crops) is not supported by this protocol');
  let training = trainingOptionsFromCli(flags);
  if (flags.hiddenUnits !== undefined) {
    const units = Number(flags.hiddenUnits);
    if (!(Number.isInteger(units) && units > 0)) throw new Error('--hidden-units is a whole number > 0');
    training = mergeTrainingOptions(training, { architecture: { ...training.architecture, hiddenUnits: units } });
  }
  if (flags.labelSmoothing !== undefined) {
    const share = Number(flags.labelSmoothing);
    if (!(share >= 0 && share < 1)) throw new Error('--label-smoothing is a share in [0, 1)');
    training = mergeTrainingOptions(training, { labelSmoothing: share });
  }
  if (!['speaker', 'corpus'].includes(flags.trainStreams)) throw new Error('--train-streams is speaker or corpus');
  return training;
}

async function loadCorpus(
  spec: { name: string; manifest: string },
  profile: ClipFeatureProfile,
  training: TrainingOptions,
  forTraining: boolean,
): Promise<Corpus> {
  const { entries } = await readManifest(spec.manifest);
  const frontEnd = { speechOnly: training.speechOnly, denoise: training.denoise };
  log(`${spec.name}: ${entries.length} clips, features`);
  const clean = await corpusFeatures(entries, profile, frontEnd);
  const copies: LabelledVectors[] = [];
  if (forTraining) {
    let last = '';
    const augmented = await augmentedTrainingCopies(entries, profile, training, otherSpeakersPool(entries), (_d, _t, what) => {
      if (what !== last) log(`${spec.name}: ${(last = what)}`);
    });
    if (augmented) copies.push(augmented);
  }
  return { name: spec.name, manifest: spec.manifest, entries, clean, copies: copies.length ? copies.reduce(concatVectors) : undefined };
}

/** The streams of a training set: per speaker as prepared, or the corpus in place of the speaker. */
function withTrainingStreams(data: LabelledVectors, corpus: string, unit: Flags['trainStreams']): LabelledVectors {
  if (unit === 'speaker') return data;
  const streams = streamsOf(data).map((stream, i) => stream.replace(data.speakers[i], corpus));
  return { ...data, streams };
}

function trainingSet(corpora: Corpus[], flags: Flags): LabelledVectors {
  const parts = corpora.map((c) => {
    const one = c.copies ? concatVectors(c.clean, c.copies) : c.clean;
    return withTrainingStreams({ ...one, streams: streamsOf(one) }, c.name, flags.trainStreams);
  });
  if (!flags.balanceCorpora) return parts.reduce(concatVectors);
  const largest = Math.max(...parts.map((p) => p.vectors.length));
  return parts
    .map((p) => {
      // Whole repetitions, then the remainder drawn evenly, so each corpus has about `largest` examples.
      const indices: number[] = [];
      for (let k = 0; k < largest; k++) indices.push(Math.floor((k * p.vectors.length) / largest));
      return subsetOf(p, indices);
    })
    .reduce(concatVectors);
}

async function trainAndTest(trainOn: Corpus[], testOn: Corpus[], kind: CorpusTest['kind'], training: TrainingOptions, flags: Flags) {
  const data = trainingSet(trainOn, flags);
  const members = Number(flags.ensemble);
  const names = trainOn.map((c) => c.name);
  log(
    `train on ${names.join('+')} (${data.vectors.length} examples, ${members} model(s)), test on ${testOn.map((c) => c.name).join(', ')}`,
  );
  const results = await trainAndTestOnCorpora(data, names, testOn, kind, training, members);
  for (const result of results)
    log(`  ${result.testedOn}: UAR ${pct(result.perSpeaker.uar)} per speaker, ${pct(result.perCorpus.uar)} one stream`);
  return results;
}

async function kindsOn(trainOn: Corpus[], testOn: Corpus[], kind: CorpusTest['kind'], training: TrainingOptions, flags: Flags) {
  const results = await trainAndTestKinds(
    trainingSet(trainOn, flags),
    trainOn.map((c) => c.name),
    testOn,
    kind,
    training,
    BASELINE_KINDS,
  );
  for (const r of results)
    log(`  ${r.classifier} on ${r.testedOn}: UAR ${pct(r.perSpeaker.uar)} per speaker, ${pct(r.perCorpus.uar)} one stream`);
  return results;
}

async function withinCorpusCv(corpus: Corpus, profile: ClipFeatureProfile, training: TrainingOptions, flags: Flags) {
  const seeds = flags.cvSeeds.split(',').map(Number);
  const [record] = await crossValidateOverFoldSeeds(withTrainingStreams(corpus.clean, corpus.name, flags.trainStreams), {
    corpus: corpus.name,
    folds: FOLDS,
    seeds,
    kinds: ['mt-a-dnn'],
    training,
    extraTrainingFor: async (seed) => {
      log(`${corpus.name}: ${FOLDS}-fold cross-validation by speaker, fold seed ${seed}`);
      const extra = await crossValidationTrainingCopies(corpus.entries, profile, training, { folds: FOLDS, seed });
      return extra && withTrainingStreams(extra, corpus.name, flags.trainStreams);
    },
    onSeed: (_seed, [result]) => log(`  UAR ${pct(result.metrics.uar)}`),
  });
  const crossValidation: CrossValidationRecord = {
    corpus: record.corpus,
    folds: record.folds,
    seeds: record.seeds,
    uar: record.uar,
    accuracy: record.accuracy,
    recall: record.recall,
  };
  return crossValidation;
}

async function main() {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv);
  const file = resolve(root, flags.results);
  if (flags.markdownOnly) {
    writeFileSync(file.replace(/\.json$/, '') + '.md', markdownOf(JSON.parse(readFileSync(file, 'utf8'))));
    return;
  }
  if (!flags.name) throw new Error('--name is required');
  const training = recipeTraining(flags);
  const trainable = flags.corpus.map(parseCorpusArg);
  const evalOnly = flags.evalOnly.map(parseCorpusArg);
  if (trainable.length < 2) throw new Error('leave-one-corpus-out needs at least two --corpus');
  if (!(Number(flags.ensemble) >= 1)) throw new Error('--ensemble is a whole number >= 1');
  const backend = await initBackend();
  const profile = loadFeatureProfile(flags.profile);
  const corpora = [];
  const heldOut = flags.heldOut ? flags.heldOut.split(',') : trainable.map((c) => c.name);
  for (const name of heldOut)
    if (!trainable.some((c) => c.name === name)) throw new Error(`--held-out ${name} is not one of the --corpus names`);
  // A corpus needs its augmented copies only if some model trains on it.
  const trainedOn = (name: string) => evalOnly.length > 0 || heldOut.some((h) => h !== name);
  for (const spec of trainable) corpora.push(await loadCorpus(spec, profile, training, trainedOn(spec.name)));
  const tests = [];
  for (const spec of evalOnly) tests.push(await loadCorpus(spec, profile, training, false));
  checkSpeakersApart([...corpora, ...tests]);

  const results: CorpusTest[] = [];
  for (const held of corpora.filter((c) => heldOut.includes(c.name))) {
    results.push(
      ...(await trainAndTest(
        corpora.filter((c) => c !== held),
        [held],
        'leave-one-corpus-out',
        training,
        flags,
      )),
    );
  }
  // One model trained on all trainable corpora for every eval-only corpus.
  if (tests.length) results.push(...(await trainAndTest(corpora, tests, 'eval-only', training, flags)));

  let baselines: KindTest[] | undefined;
  if (flags.baselines) {
    baselines = [];
    for (const held of corpora.filter((c) => heldOut.includes(c.name))) {
      const trainOn = corpora.filter((c) => c !== held);
      log(`Table 2: train on ${trainOn.map((c) => c.name).join('+')}, test on ${held.name}`);
      baselines.push(...(await kindsOn(trainOn, [held], 'leave-one-corpus-out', training, flags)));
    }
    if (tests.length) {
      log(`Table 2: train on ${corpora.map((c) => c.name).join('+')}, test on ${tests.map((c) => c.name).join(', ')}`);
      baselines.push(...(await kindsOn(corpora, tests, 'eval-only', training, flags)));
    }
  }

  let crossValidation: CrossValidationRecord | undefined;
  if (!flags.skipCv) {
    const corpus = corpora.find((c) => c.name === flags.cvCorpus);
    if (!corpus) throw new Error(`--cv-corpus ${flags.cvCorpus} is not one of the --corpus names`);
    crossValidation = await withinCorpusCv(corpus, profile, training, flags);
  }
  const loco = results.filter((r) => r.kind === 'leave-one-corpus-out');
  const record: RunRecord = {
    name: flags.name,
    command: `node --import tsx scripts/evaluate-generalisation.ts ${argv.join(' ')}`,
    recipe: { flags: { ...flags }, training },
    backend,
    date: new Date().toISOString(),
    tests: results,
    meanLocoUar: { perSpeaker: mean(loco.map((r) => r.perSpeaker.uar)), perCorpus: mean(loco.map((r) => r.perCorpus.uar)) },
    crossValidation,
    baselines,
    processCpuSeconds: cpuSecondsSinceStart(),
  };
  const all: RunRecord[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const at = all.findIndex((r) => r.name === record.name);
  if (at >= 0) all[at] = record;
  else all.push(record);
  writeFileSync(file, JSON.stringify(all, null, 1) + '\n');
  writeFileSync(file.replace(/\.json$/, '') + '.md', markdownOf(all));
  console.log(markdownOf([record]));
}

function checkSpeakersApart(corpora: Corpus[]) {
  const owner = new Map<string, string>();
  for (const c of corpora) {
    for (const s of new Set(c.clean.speakers)) {
      const other = owner.get(s);
      if (other && other !== c.name) throw new Error(`speaker "${s}" is in both ${other} and ${c.name}: prefix speaker ids by corpus`);
      owner.set(s, c.name);
    }
  }
}

/** The summary table (one row per run) and each run's per-class table. */
export function markdownOf(runs: RunRecord[]): string {
  const testNames = [...new Set(runs.flatMap((r) => r.tests.map((t) => t.testedOn)))];
  const head = [
    'run',
    'mean LOCO UAR',
    ...testNames.map((n) => `${n} UAR`),
    'CV UAR (mean ± std)',
    'training CPU s (all-corpora model)',
    'run CPU s',
  ];
  const lines = [
    '# Generalisation runs (scripts/evaluate-generalisation.ts)',
    '',
    'UAR % with test streams normalised per speaker / as one stream for the whole corpus. LOCO = leave one corpus out.',
    'run CPU s: CPU time of the whole run (user + system), including the features it had to compute rather than read from the cache.',
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
  ];
  for (const run of runs) {
    const byTest = (n: string) => run.tests.find((t) => t.testedOn === n);
    const allCorpora = run.tests.find((t) => t.kind === 'eval-only') ?? run.tests[0];
    const cv = run.crossValidation;
    lines.push(
      `| ${[
        run.name,
        `${pct(run.meanLocoUar.perSpeaker)} / ${pct(run.meanLocoUar.perCorpus)}`,
        ...testNames.map((n) => {
          const t = byTest(n);
          return t ? `${pct(t.perSpeaker.uar)} / ${pct(t.perCorpus.uar)}` : '–';
        }),
        cv ? `${pct(cv.uar.mean)} ± ${pct(cv.uar.std)}` : 'not run',
        String(allCorpora.trainingCpuSeconds),
        run.processCpuSeconds === undefined ? '–' : String(run.processCpuSeconds),
      ].join(' | ')} |`,
    );
  }
  for (const run of runs) {
    lines.push('', `## ${run.name}`, '', '```sh', run.command, '```', '');
    lines.push(
      '| trained on | tested on | streams | UAR | accuracy | anger | happiness | neutral | sadness | training CPU s | inference CPU ms/clip |',
    );
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const t of run.tests) {
      for (const [streams, m] of [
        ['per speaker', t.perSpeaker],
        ['one stream', t.perCorpus],
      ] as const) {
        lines.push(
          `| ${t.trainedOn.join('+')} | ${t.testedOn} | ${streams} | ${pct(m.uar)} | ${pct(m.accuracy)} | ${EMOTIONS.map((e) => pct(m.recall[e])).join(' | ')} | ${t.trainingCpuSeconds} | ${t.inferenceCpuMsPerClip} |`,
        );
      }
    }
    if (run.baselines?.length) lines.push(...baselineTable(run.baselines));
    const cv = run.crossValidation;
    if (cv) {
      lines.push(
        `| ${cv.corpus} (${cv.folds}-fold CV by speaker, fold seeds ${cv.seeds.join(',')}) | ${cv.corpus} | per speaker | ${pct(cv.uar.mean)} ± ${pct(cv.uar.std)} (${cv.uar.values.map(pct).join(', ')}) | ${pct(cv.accuracy.mean)} ± ${pct(cv.accuracy.std)} | ${EMOTIONS.map((e) => pct(cv.recall[e])).join(' | ')} | | |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Table 2 of one run: a row per model kind, UAR per speaker / one stream on each test, and the mean over LOCO tests. */
function baselineTable(baselines: KindTest[]): string[] {
  const testNames = [...new Set(baselines.map((b) => b.testedOn))];
  const kinds = [...new Set(baselines.map((b) => b.classifier))];
  const lines = [
    '',
    'Table 2 on this protocol (--baselines: every model on the same training vectors and test streams):',
    '',
    `| model | mean LOCO | ${testNames.join(' | ')} | training CPU s |`,
    `| --- | --- | ${testNames.map(() => '---').join(' | ')} | --- |`,
  ];
  for (const kind of kinds) {
    const own = baselines.filter((b) => b.classifier === kind);
    const loco = own.filter((b) => b.kind === 'leave-one-corpus-out');
    const cells = testNames.map((n) => {
      const t = own.find((b) => b.testedOn === n);
      return t ? `${pct(t.perSpeaker.uar)} / ${pct(t.perCorpus.uar)}` : '–';
    });
    const meanLoco = loco.length ? `${pct(mean(loco.map((b) => b.perSpeaker.uar)))} / ${pct(mean(loco.map((b) => b.perCorpus.uar)))}` : '–';
    const cpu = own.filter((b, i) => own.findIndex((o) => o.trainedOn.join() === b.trainedOn.join()) === i);
    lines.push(`| ${kind} | ${meanLoco} | ${cells.join(' | ')} | ${cpu.reduce((sum, b) => sum + b.trainingCpuSeconds, 0).toFixed(1)} |`);
  }
  return lines;
}

function cpuSecondsSinceStart(): number {
  return Math.round(cpuSeconds() * 10) / 10;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pct = (x: number) => (100 * x).toFixed(1);
const log = (text: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
