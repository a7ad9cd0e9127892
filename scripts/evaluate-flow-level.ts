// Flow-level accuracy (issue 10, docs/evaluation.md "Flow-level accuracy"): what the nodes output on
// labelled clips, not clip vectors. Each corpus's clips are played one speaker stream at a time through
// audio-source's decoding → feature-window (3 s every 1 s, speech only) → mt-a-dnn-infer (per-stream
// normaliser, unvoiced windows dropped) → emotion-router (src/core/training/flow-level-evaluation.ts),
// scored per window and per clip (the router's state at the clip's end), with the calibration of the
// confidence and coverage vs accuracy; beside it, the clip-vector figure of the same model on the same clips.
// Usage:
//   node --import tsx scripts/evaluate-flow-level.ts --name NAME [--model DIR] --corpus NAME=MANIFEST ...
//       test --model (default models/default) on every clip of each corpus (for corpora it never saw);
//   node --import tsx scripts/evaluate-flow-level.ts --name NAME [--model DIR] --folds-of NAME=MANIFEST [--folds 6] [--fold-seed 1]
//       train one model per fold by speaker with --model's own recipe (its metadata's training options) and play
//       each fold's held-out speakers through its model (for the corpus the model was trained on).
// The record is stored under NAME in --results (default docs/flow-level-runs.json); a Markdown table of all runs
// is written beside it (same name, .md).
import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMOTIONS } from '../src/core/messages';
import { argmax } from '../src/core/model/argmax';
import { initBackend } from '../src/core/model/backend';
import { EmotionModel } from '../src/core/model/emotion-model';
import { DEFAULT_MODEL_DIR } from '../src/core/model/package-paths';
import type { ClassificationMetrics, ModelMetadata } from '../src/core/model/model-metadata';
import { classificationMetrics } from '../src/core/training/classification-metrics';
import { corpusFeatures, loadFeatureProfile } from '../src/core/training/corpus-features';
import { readManifest, type ManifestEntry } from '../src/core/training/corpus-manifest';
import { STREAM_ORDER_SEED } from '../src/core/training/corpus-generalisation';
import { flowLevelReport, replayThroughFlow, type FlowLevelReport, type FlowReplay } from '../src/core/training/flow-level-evaluation';
import { concatVectors, subsetOf } from '../src/core/training/labelled-vectors';
import { crossValidationNoiseCopies } from '../src/core/training/noise-augmentation';
import { SeededRandom } from '../src/core/training/seeded-random';
import { speakerFolds } from '../src/core/training/speaker-folds';
import { asModelStreams } from '../src/core/training/stream-simulation';
import { trainMtADnn } from '../src/core/training/train-mt-a-dnn';

const root = join(__dirname, '..');
const collect = (value: string, previous: string[]) => [...previous, value];

interface Flags {
  name: string;
  model: string;
  corpus: string[];
  foldsOf?: string;
  folds: string;
  foldSeed: string;
  results: string;
  perSpeaker?: string;
  clipsOut?: string;
}

interface FlowRun {
  name: string;
  command: string;
  model: string;
  corpus: string;
  protocol: string;
  clipVector: ClassificationMetrics;
  flow: FlowLevelReport;
  /** process CPU seconds of the replays (decoding, features, model, router) and seconds of audio played */
  replayCpuSeconds: number;
  audioSeconds: number;
  date: string;
}

function parseFlags(argv: string[]): Flags {
  return new Command()
    .name('evaluate-flow-level')
    .requiredOption('--name <name>', 'name of this run in the results')
    .option('--model <dir>', 'the model (with --folds-of: whose recipe the fold models are trained with)', DEFAULT_MODEL_DIR)
    .option('--corpus <name=manifest>', 'a corpus to play through --model (repeat)', collect, [])
    .option('--folds-of <name=manifest>', "a corpus to cross-validate: fold models with --model's recipe, held-out speakers played")
    .option('--folds <k>', 'folds by speaker with --folds-of', '6')
    .option('--fold-seed <n>', 'fold seed with --folds-of', '1')
    .option('--per-speaker <n>', 'with --corpus: only n clips of each speaker (a seeded choice), for quicker runs')
    .option(
      '--clips-out <json>',
      'also write every clip and window (paths, labels, clip-vector and flow predictions) to this file, per corpus',
    )
    .option('--results <json>', 'results file (a Markdown file of the same name is written beside it)', 'docs/flow-level-runs.json')
    .parse(argv, { from: 'user' })
    .opts<Flags>();
}

function parseCorpusArg(arg: string): { name: string; manifest: string } {
  const at = arg.indexOf('=');
  if (at <= 0) throw new Error(`--corpus and --folds-of take NAME=MANIFEST (got "${arg}")`);
  return { name: arg.slice(0, at), manifest: arg.slice(at + 1) };
}

/** The clip-vector figure: whole speech-only clips, one stream per speaker, as `speech-emotion evaluate --model`. */
async function clipVectorPredictions(model: EmotionModel, entries: ManifestEntry[]): Promise<number[]> {
  const profile = loadFeatureProfile(model.featureProfile);
  const data = await corpusFeatures(entries, profile, { speechOnly: !!model.metadata.speechOnly, denoise: !!model.metadata.denoise });
  const vectors = asModelStreams(model.metadata.normalisation, data.vectors, data.speakers, STREAM_ORDER_SEED);
  return model.predict(vectors).map((p) => argmax(EMOTIONS.map((e) => p.probabilities[e])));
}

async function replayTimed(model: EmotionModel, entries: ManifestEntry[], cpu: { seconds: number }): Promise<FlowReplay> {
  const start = process.cpuUsage();
  const replay = await replayThroughFlow(model, entries, { orderSeed: STREAM_ORDER_SEED });
  const used = process.cpuUsage(start);
  cpu.seconds += (used.user + used.system) / 1e6;
  return replay;
}

/** Test a model on every clip of a corpus. */
async function testCorpus(flags: Flags, spec: { name: string; manifest: string }) {
  const all = (await readManifest(spec.manifest)).entries;
  const entries = flags.perSpeaker ? clipsPerSpeaker(all, Number(flags.perSpeaker)) : all;
  const model = await EmotionModel.load(flags.model);
  try {
    log(`${spec.name}: ${entries.length} clips, clip vectors`);
    const clipPredicted = await clipVectorPredictions(model, entries);
    log(`${spec.name}: playing ${new Set(entries.map((e) => e.speaker)).size} speaker streams through the flow`);
    const cpu = { seconds: 0 };
    const replay = await replayTimed(model, entries, cpu);
    return {
      protocol: `${flags.model} on ${flags.perSpeaker ? `${flags.perSpeaker} clips of each speaker (seeded choice) of` : 'every clip of'} ${spec.name} (${entries.length} clips)`,
      clipVector: classificationMetrics(
        entries.map((e) => e.emotion),
        clipPredicted,
        EMOTIONS,
      ),
      replay,
      cpu,
      entries,
      clipPredicted,
    };
  } finally {
    model.dispose();
  }
}

function clipsPerSpeaker(entries: ManifestEntry[], n: number): ManifestEntry[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error('--per-speaker is a whole number >= 1');
  const rng = new SeededRandom(STREAM_ORDER_SEED);
  const speakers = [...new Set(entries.map((e) => e.speaker))].sort();
  return speakers.flatMap((s) => rng.shuffle(entries.filter((e) => e.speaker === s)).slice(0, n));
}

/** Fold models with the recipe of --model; each fold's held-out speakers played through its model. */
async function testFolds(flags: Flags, spec: { name: string; manifest: string }) {
  const recipeModel = await EmotionModel.load(flags.model);
  const metadata = recipeModel.metadata;
  recipeModel.dispose();
  const training = metadata.training.options;
  const k = Number(flags.folds);
  const seed = Number(flags.foldSeed);
  const { entries } = await readManifest(spec.manifest);
  const profile = loadFeatureProfile(metadata.featureProfile);
  log(`${spec.name}: ${entries.length} clips, features and noisy copies`);
  const clean = await corpusFeatures(entries, profile, { speechOnly: training.speechOnly, denoise: training.denoise });
  const copies = await crossValidationNoiseCopies(entries, profile, training, { folds: k, seed });
  const data = copies ? concatVectors(clean, copies) : clean;
  const folds = speakerFolds(
    entries.map((e) => e.speaker),
    k,
    seed,
  );
  const clipPredicted: number[] = new Array(entries.length);
  const replays: FlowReplay[] = [];
  const cpu = { seconds: 0 };
  for (const [f, testIdx] of folds.entries()) {
    const held = new Set(testIdx.map((i) => entries[i].speaker));
    const trainIdx = data.speakers.map((s, i) => (held.has(s) ? -1 : i)).filter((i) => i >= 0);
    log(`fold ${f + 1}/${k}: train on ${trainIdx.length} examples, play ${held.size} held-out speakers`);
    const net = await trainMtADnn(subsetOf(data, trainIdx), training);
    const model = new EmotionModel(net.model, {
      ...metadata,
      architecture: net.architecture,
      standardisation: net.standardisation,
      normalisation: net.normalisation,
      ...(net.droppedFeatures ? { droppedFeatures: net.droppedFeatures } : {}),
    } as ModelMetadata);
    try {
      const heldEntries = testIdx.map((i) => entries[i]);
      const predicted = await clipVectorPredictions(model, heldEntries);
      testIdx.forEach((i, j) => (clipPredicted[i] = predicted[j]));
      const replay = await replayTimed(model, heldEntries, cpu);
      // clip numbers back to the corpus's
      replays.push({
        ...replay,
        windows: replay.windows.map((w) => ({ ...w, clip: testIdx[w.clip] })),
        clips: replay.clips.map((c) => ({ ...c, clip: testIdx[c.clip] })),
      });
      logFoldsSoFar(f + 1, entries, clipPredicted, replays);
    } finally {
      model.dispose();
    }
  }
  return {
    protocol: `${k}-fold by speaker (fold seed ${seed}) on ${spec.name}: fold models trained with the recipe of ${flags.model}, held-out speakers played`,
    clipVector: classificationMetrics(
      entries.map((e) => e.emotion),
      clipPredicted,
      EMOTIONS,
    ),
    replay: {
      windows: replays.flatMap((r) => r.windows),
      clips: replays.flatMap((r) => r.clips),
      windowSeconds: replays[0].windowSeconds,
      policies: replays[0].policies,
    },
    cpu,
    entries,
    clipPredicted,
  };
}

/** The figures of the folds done so far, in the log, so that a run stopped early still says what it measured. */
function logFoldsSoFar(done: number, entries: ManifestEntry[], clipPredicted: number[], replays: FlowReplay[]) {
  const clips = replays.flatMap((r) => r.clips);
  const report = flowLevelReport({
    windows: replays.flatMap((r) => r.windows),
    clips,
    windowSeconds: replays[0].windowSeconds,
    policies: replays[0].policies,
  });
  const clipVector = classificationMetrics(
    clips.map((c) => entries[c.clip].emotion),
    clips.map((c) => clipPredicted[c.clip]),
    EMOTIONS,
  );
  const au = (m: ClassificationMetrics) => `${pct(m.accuracy)} / ${pct(m.uar)}`;
  log(
    `after ${done} folds (${clips.length} clips): clip vector ${au(clipVector)}, per window ${au(report.windows.metrics)}, ` +
      `per clip last window ${au(report.clips.byPolicy['last window'].metrics)}, router defaults ${au(report.clips.byPolicy['router defaults'].metrics)}, ECE ${report.windows.ece.toFixed(3)}`,
  );
}

async function main() {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv);
  const backend = await initBackend();
  const jobs = [
    ...flags.corpus.map((arg) => ({ spec: parseCorpusArg(arg), folds: false })),
    ...(flags.foldsOf ? [{ spec: parseCorpusArg(flags.foldsOf), folds: true }] : []),
  ];
  if (jobs.length === 0) throw new Error('give --corpus NAME=MANIFEST and/or --folds-of NAME=MANIFEST');
  const runs: FlowRun[] = [];
  for (const job of jobs) {
    const result = job.folds ? await testFolds(flags, job.spec) : await testCorpus(flags, job.spec);
    const run: FlowRun = {
      name: `${flags.name}: ${job.spec.name}`,
      command: `node --import tsx scripts/evaluate-flow-level.ts ${argv.join(' ')}`,
      model: flags.model,
      corpus: job.spec.name,
      protocol: `${result.protocol}; last window of each clip: its last 3 s (end-aligned); backend ${backend}`,
      clipVector: result.clipVector,
      flow: flowLevelReport(result.replay),
      replayCpuSeconds: Number(result.cpu.seconds.toFixed(1)),
      audioSeconds: Number(result.replay.clips.reduce((s, c) => s + c.seconds, 0).toFixed(1)),
      date: new Date().toISOString(),
    };
    runs.push(run);
    console.log(markdownOf([run]));
    if (flags.clipsOut) writeClips(flags.clipsOut, job.spec.name, result.entries, result.clipPredicted, result.replay);
  }
  const file = resolve(root, flags.results);
  const all: FlowRun[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  for (const run of runs) {
    const at = all.findIndex((r) => r.name === run.name);
    if (at >= 0) all[at] = run;
    else all.push(run);
  }
  writeFileSync(file, JSON.stringify(all, null, 1) + '\n');
  writeFileSync(file.replace(/\.json$/, '') + '.md', markdownOf(all));
}

/** Every clip with its windows, for analyses of where the flow and the clip vectors part (docs/evaluation.md). */
function writeClips(file: string, corpus: string, entries: ManifestEntry[], clipPredicted: number[], replay: FlowReplay) {
  const path = file.replace(/\.json$/, '') + `-${corpus}.json`;
  const windowsOf = new Map<number, FlowReplay['windows']>();
  for (const w of replay.windows) windowsOf.set(w.clip, [...(windowsOf.get(w.clip) ?? []), w]);
  const clips = replay.clips.map((c) => ({
    ...c,
    path: entries[c.clip].path,
    clipVectorPredicted: clipPredicted[c.clip],
    windows: windowsOf.get(c.clip) ?? [],
  }));
  writeFileSync(path, JSON.stringify({ corpus, emotions: EMOTIONS, clips }) + '\n');
  log(`clips written to ${path}`);
}

export function markdownOf(runs: FlowRun[]): string {
  const lines = [
    '# Flow-level runs (scripts/evaluate-flow-level.ts)',
    '',
    'Accuracy / UAR %. Windows: voiced windows (unvoiced ones are dropped as mt-a-dnn-infer does by default). Clips: the',
    "router's state at the clip's end (uncertain or no state counts as wrong). Clip vector: whole speech-only clips, one stream per speaker.",
    '',
    '| run | clips | clip vector | per window | per clip, router defaults | per clip, last window | unvoiced windows | clips < 3 s / no window / no voiced window | uncertain / no state at clip end (defaults) | ECE | replay CPU s (audio s) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const au = (m: ClassificationMetrics) => `${pct(m.accuracy)} / ${pct(m.uar)}`;
  for (const r of runs) {
    const d = r.flow.clips.byPolicy['router defaults'];
    const last = r.flow.clips.byPolicy['last window'];
    lines.push(
      `| ${[
        r.name,
        r.flow.clips.total,
        au(r.clipVector),
        au(r.flow.windows.metrics),
        au(d.metrics),
        au(last.metrics),
        `${r.flow.windows.unvoiced} of ${r.flow.windows.total}`,
        `${r.flow.clips.shorterThanWindow} / ${r.flow.clips.withoutWindow} / ${r.flow.clips.withoutVoicedWindow}`,
        `${d.uncertain} / ${d.undecided}`,
        r.flow.windows.ece.toFixed(3),
        `${r.replayCpuSeconds} (${r.audioSeconds})`,
      ].join(' | ')} |`,
    );
  }
  lines.push('', 'Coverage vs accuracy per window: routing only windows with confidence ≥ threshold (coverage % / accuracy %).', '');
  const thresholds = runs[0]?.flow.windows.coverage.map((c) => c.threshold) ?? [];
  lines.push(`| run | ${thresholds.map((t) => `≥ ${t}`).join(' | ')} |`, `| --- | ${thresholds.map(() => '---').join(' | ')} |`);
  for (const r of runs) {
    lines.push(
      `| ${r.name} | ${r.flow.windows.coverage.map((c) => `${pct(c.coverage)} / ${c.accuracy === undefined ? '–' : pct(c.accuracy)}`).join(' | ')} |`,
    );
  }
  lines.push('', 'Per-class recall % (clip vector / per window / per clip with router defaults):', '');
  lines.push(`| run | ${EMOTIONS.join(' | ')} |`, `| --- | ${EMOTIONS.map(() => '---').join(' | ')} |`);
  for (const r of runs) {
    const d = r.flow.clips.byPolicy['router defaults'].metrics;
    lines.push(
      `| ${r.name} | ${EMOTIONS.map((e) => `${pct(r.clipVector.recall[e])} / ${pct(r.flow.windows.metrics.recall[e])} / ${pct(d.recall[e])}`).join(' | ')} |`,
    );
  }
  lines.push('', 'Commands:', '');
  for (const command of [...new Set(runs.map((r) => r.command))]) lines.push('```sh', command, '```');
  return lines.join('\n') + '\n';
}

const pct = (x: number) => (100 * x).toFixed(1);
const log = (text: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

// Imported (for markdownOf), it runs nothing.
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
