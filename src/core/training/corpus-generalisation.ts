// What `speech-emotion evaluate` (several corpora, --leave-one-corpus-out, fold seeds) and
// scripts/evaluate-generalisation.ts share: how a model trained on some corpora is tested on another,
// and within-corpus cross-validation repeated over fold seeds.
import { EMOTIONS } from '../messages';
import { argmax } from '../model/argmax';
import type { ClassificationMetrics } from '../model/model-metadata';
import { classificationMetrics } from './classification-metrics';
import { crossValidate, trainClassifierOfKind, type ClassifierKind } from './cross-validation';
import { streamsOf, type LabelledVectors } from './labelled-vectors';
import type { ManifestEntry } from './corpus-manifest';
import { normaliseByGroup } from '../model/running-normaliser';
import { fitStandardisation } from '../model/standardiser';
import { asModelStreams, normaliseAsStreams } from './stream-simulation';
import { PER_STREAM_DEFAULTS, modelForEvaluation, trainMtADnn } from './train-mt-a-dnn';
import { mergeTrainingOptions, type TrainingOptions } from './training-options';

/** Seed of the order in which a test stream's clips arrive (as `speech-emotion evaluate --model`). */
export const STREAM_ORDER_SEED = 1;

/** The speaker ids of one corpus made unique across corpora: `corpus/speaker`. */
export function qualifySpeakers(entries: ManifestEntry[], corpus: string): ManifestEntry[] {
  return entries.map((e) => ({ ...e, corpus, speaker: `${corpus}/${e.speaker}` }));
}

/** A test of one trained model (or ensemble) on one corpus, with both ways of normalising the test streams. */
export interface CorpusTest {
  trainedOn: string[];
  testedOn: string;
  kind: 'leave-one-corpus-out' | 'eval-only';
  /** one stream per speaker */
  perSpeaker: ClassificationMetrics;
  /** one stream for the whole test corpus (a microphone that hears everybody) */
  perCorpus: ClassificationMetrics;
  trainingCpuSeconds: number;
  inferenceCpuMsPerClip: number;
  trainingExamples: number;
}

/**
 * Trains MT-A-DNN (or an ensemble of `ensemble` seeds, probabilities averaged) on `data` and scores it on
 * `test`, its clips replayed through per-stream normalisation as one stream per speaker and as one stream.
 */
export async function trainAndTestOnCorpus(
  data: LabelledVectors,
  trainedOn: string[],
  test: { name: string; clean: LabelledVectors },
  kind: CorpusTest['kind'],
  training: TrainingOptions,
  ensemble = 1,
): Promise<CorpusTest> {
  const [result] = await trainAndTestOnCorpora(data, trainedOn, [test], kind, training, ensemble);
  return result;
}

/** As trainAndTestOnCorpus, with the same trained model(s) scored on every one of `tests` (trained once). */
export async function trainAndTestOnCorpora(
  data: LabelledVectors,
  trainedOn: string[],
  tests: { name: string; clean: LabelledVectors }[],
  kind: CorpusTest['kind'],
  training: TrainingOptions,
  ensemble = 1,
): Promise<CorpusTest[]> {
  const probabilities = tests.map(() => ({ perSpeaker: [] as number[][][], perCorpus: [] as number[][][] }));
  const inferenceCpu = tests.map(() => 0);
  let trainingCpu = 0;
  for (let m = 0; m < ensemble; m++) {
    const cpu0 = process.cpuUsage();
    const net = await trainMtADnn(data, mergeTrainingOptions(training, { seed: training.seed + m }));
    trainingCpu += cpuSeconds(cpu0);
    const model = modelForEvaluation(net);
    try {
      for (const [t, test] of tests.entries()) {
        const streamsFor = (speakers: string[]) => asModelStreams(net.normalisation, test.clean.vectors, speakers, STREAM_ORDER_SEED);
        const cpu1 = process.cpuUsage();
        probabilities[t].perSpeaker.push(
          model.predict(streamsFor(test.clean.speakers)).map((p) => EMOTIONS.map((e) => p.probabilities[e])),
        );
        inferenceCpu[t] += cpuSeconds(cpu1);
        probabilities[t].perCorpus.push(
          model.predict(streamsFor(test.clean.speakers.map(() => test.name))).map((p) => EMOTIONS.map((e) => p.probabilities[e])),
        );
      }
    } finally {
      model.dispose();
    }
  }
  return tests.map((test, t) => {
    const score = (all: number[][][]) =>
      classificationMetrics(
        test.clean.labels,
        all[0].map((_, i) => argmax(EMOTIONS.map((_, c) => all.reduce((sum, member) => sum + member[i][c], 0)))),
        EMOTIONS,
      );
    return {
      trainedOn,
      testedOn: test.name,
      kind,
      perSpeaker: score(probabilities[t].perSpeaker),
      perCorpus: score(probabilities[t].perCorpus),
      trainingCpuSeconds: round(trainingCpu, 1),
      inferenceCpuMsPerClip: round((1000 * inferenceCpu[t]) / test.clean.vectors.length, 3),
      trainingExamples: data.vectors.length,
    };
  });
}

/** One model kind of the paper's Table 2 trained on some corpora and tested on another (trainAndTestKinds). */
export interface KindTest {
  classifier: ClassifierKind;
  trainedOn: string[];
  testedOn: string;
  kind: CorpusTest['kind'];
  perSpeaker: ClassificationMetrics;
  perCorpus: ClassificationMetrics;
  trainingCpuSeconds: number;
}

/**
 * The paper's Table 2 on the leave-one-corpus-out protocol: every kind trained on the same training vectors,
 * normalised once as the recipe says (per stream, or globally), and tested on each of `tests` replayed as one
 * stream per speaker and as one stream for the corpus through the same per-stream normaliser.
 */
export async function trainAndTestKinds(
  data: LabelledVectors,
  trainedOn: string[],
  tests: { name: string; clean: LabelledVectors }[],
  kind: CorpusTest['kind'],
  training: TrainingOptions,
  kinds: ClassifierKind[],
): Promise<KindTest[]> {
  const perStream = training.normalisation === 'per-stream';
  const trainVectors = perStream ? normaliseByGroup(data.vectors, streamsOf(data)) : data.vectors;
  const prior = perStream ? fitStandardisation(data.vectors) : undefined;
  const asStreams = (vectors: ArrayLike<number>[], streams: string[]) =>
    prior ? normaliseAsStreams(vectors, streams, { prior, ...PER_STREAM_DEFAULTS }, STREAM_ORDER_SEED) : vectors;
  const testSets = tests.map((test) => ({
    test,
    perSpeaker: asStreams(test.clean.vectors, test.clean.speakers),
    perCorpus: asStreams(
      test.clean.vectors,
      test.clean.speakers.map(() => test.name),
    ),
  }));
  const results: KindTest[] = [];
  for (const classifier of kinds) {
    const cpu0 = process.cpuUsage();
    const model = await trainClassifierOfKind(classifier, { ...data, vectors: trainVectors }, training, training.seed);
    const trainingCpuSeconds = round(cpuSeconds(cpu0), 1);
    try {
      for (const { test, perSpeaker, perCorpus } of testSets) {
        const score = (vectors: ArrayLike<number>[]) => classificationMetrics(test.clean.labels, model.predict(vectors), EMOTIONS);
        results.push({
          classifier,
          trainedOn,
          testedOn: test.name,
          kind,
          perSpeaker: score(perSpeaker),
          perCorpus: score(perCorpus),
          trainingCpuSeconds,
        });
      }
    } finally {
      model.dispose();
    }
  }
  return results;
}

export interface Spread {
  mean: number;
  std: number;
  values: number[];
}

/** Within-corpus cross-validation by speaker of one model kind, repeated over fold seeds. */
export interface FoldSeedsRecord {
  kind: ClassifierKind;
  corpus: string;
  folds: number;
  seeds: number[];
  uar: Spread;
  accuracy: Spread;
  /** per-class recall, mean over the seeds */
  recall: Record<string, number>;
  /** pooled metrics of every fold seed */
  bySeed: ClassificationMetrics[];
  /** every seed's test predictions pooled (each clip counted once per seed) */
  pooled: ClassificationMetrics;
  /** the same on each extra test set */
  extraPooled: Record<string, ClassificationMetrics>;
}

export interface FoldSeedsOptions {
  corpus: string;
  folds: number;
  seeds: number[];
  kinds: ClassifierKind[];
  training: TrainingOptions;
  /** Training-only examples for the folds of one seed (e.g. noisy copies whose babble stays inside a fold group). */
  extraTrainingFor?: (seed: number) => Promise<LabelledVectors | undefined>;
  /** Training crops (the paper's augmentation), as crossValidate takes them. */
  augmented?: LabelledVectors;
  /** Further test sets aligned with the data (the same clips perturbed), scored on the same folds and models. */
  extraTestSets?: { name: string; data: LabelledVectors }[];
  onSeed?: (seed: number, results: { kind: ClassifierKind; metrics: ClassificationMetrics }[]) => void;
  onFold?: (info: { seed: number; kind: ClassifierKind; fold: number }) => void;
}

/**
 * k-fold cross-validation by speaker once per fold seed (the models' seed stays training.seed), so the
 * figure is a mean ± standard deviation over fold assignments instead of one assignment's luck.
 */
export async function crossValidateOverFoldSeeds(data: LabelledVectors, options: FoldSeedsOptions): Promise<FoldSeedsRecord[]> {
  const bySeed = new Map<ClassifierKind, ClassificationMetrics[]>(options.kinds.map((k) => [k, []]));
  const pooled = new Map<ClassifierKind, { truth: number[]; predicted: number[]; extra: Record<string, number[]> }>(
    options.kinds.map((k) => [k, { truth: [], predicted: [], extra: {} }]),
  );
  for (const seed of options.seeds) {
    const results = await crossValidate(data, {
      folds: options.folds,
      seed,
      modelSeed: options.training.seed,
      kinds: options.kinds,
      training: options.training,
      extraTraining: await options.extraTrainingFor?.(seed),
      augmented: options.augmented,
      extraTestSets: options.extraTestSets,
      onFold: ({ kind, fold }) => options.onFold?.({ seed, kind, fold }),
    });
    for (const r of results) {
      bySeed.get(r.kind)!.push(r.metrics);
      const pool = pooled.get(r.kind)!;
      pool.truth.push(...data.labels);
      pool.predicted.push(...r.predictions);
      for (const [name, predicted] of Object.entries(r.extraPredictions)) (pool.extra[name] ??= []).push(...predicted);
    }
    options.onSeed?.(
      seed,
      results.map((r) => ({ kind: r.kind, metrics: r.metrics })),
    );
  }
  return options.kinds.map((kind) => {
    const runs = bySeed.get(kind)!;
    const pool = pooled.get(kind)!;
    return {
      kind,
      corpus: options.corpus,
      folds: options.folds,
      seeds: options.seeds,
      uar: spreadOf(runs.map((r) => r.uar)),
      accuracy: spreadOf(runs.map((r) => r.accuracy)),
      recall: Object.fromEntries(EMOTIONS.map((e) => [e, mean(runs.map((r) => r.recall[e]))])),
      bySeed: runs,
      pooled: classificationMetrics(pool.truth, pool.predicted, EMOTIONS),
      extraPooled: Object.fromEntries(
        Object.entries(pool.extra).map(([name, predicted]) => [name, classificationMetrics(pool.truth, predicted, EMOTIONS)]),
      ),
    };
  });
}

/** Mean and population standard deviation. */
export function spreadOf(values: number[]): Spread {
  const m = mean(values);
  return { mean: m, std: Math.sqrt(mean(values.map((v) => (v - m) ** 2))), values };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (x: number, digits: number) => Number(x.toFixed(digits));
