import type { Command } from 'commander';
import { MODEL_SAMPLE_RATE } from '../../core/audio/audio-chunk';
import { loadAudioFileAs16kMono } from '../../core/audio/load-audio-file';
import { DEFAULT_FEATURE_WINDOW_OPTIONS, FeatureWindowStream, type FeatureWindow } from '../../core/features/feature-window-stream';
import { FRAME_LENGTH } from '../../core/features/pyaudioanalysis-constants';
import { applyClipFrontEnd, frontEndOf } from '../../core/features/front-end/clip-front-end';
import { initBackend } from '../../core/model/backend';
import { loadFeatureProfile } from '../../core/training/corpus-features';
import type { TaskOutputs } from '../../core/model/emotion-model';
import { DEFAULT_MODEL_DIR } from '../../core/model/package-paths';
import { usageError } from '../cli-error';
import { INPUT_FILES_HELP, forEachInputFile } from '../input-files';
import { loadModelFolder } from '../load-model';

interface ClassifyFlags {
  model?: string;
  json?: boolean;
  timeline?: boolean;
  window: string;
  hop: string;
}

interface TimelineEntry extends Partial<TaskOutputs> {
  start: number;
  end: number;
  voiced: boolean;
  speechRatio: number;
}

interface FileResult {
  file: string;
  /** length of the file, seconds */
  duration: number;
  /** whether the file has speech by the feature-window node's measure; without it there is no prediction */
  voiced: boolean;
  /** why there is no prediction */
  noSpeech?: string;
  /** seconds of audio classified (after the model's front end cut silent edges) */
  seconds?: number;
  prediction: TaskOutputs | null;
  timeline?: TimelineEntry[];
}

const MAX_WINDOW_SECONDS = 60;

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify audio files: the emotion of each whole file, or window by window with --timeline')
    .argument('<files...>', 'WAV files or folders of them (any rate and channel count)')
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--json', 'print JSON (each result and timeline window carries "voiced")')
    .option('--timeline', 'also classify window by window')
    .option('--window <s>', 'window length in seconds (speech is looked for window by window, as the feature-window node does)', '3')
    .option('--hop <s>', 'timeline hop in seconds', '1')
    .addHelpText(
      'after',
      `\nA file or window is "no speech" when no window has speech in at least ${100 * DEFAULT_FEATURE_WINDOW_OPTIONS.minSpeechRatio}% of its ` +
        `frames (the feature-window node's measure), or when it is shorter than ${DEFAULT_FEATURE_WINDOW_OPTIONS.minFinalSeconds} s; ` +
        `it then gets no emotion.\n${INPUT_FILES_HELP}`,
    )
    .action(async (files: string[], flags: ClassifyFlags) => {
      const windowSeconds = Number(flags.window);
      const hopSeconds = Number(flags.hop);
      if (!(windowSeconds >= FRAME_LENGTH / MODEL_SAMPLE_RATE && windowSeconds <= MAX_WINDOW_SECONDS)) {
        throw usageError(
          `--window must be a number of seconds from ${FRAME_LENGTH / MODEL_SAMPLE_RATE} to ${MAX_WINDOW_SECONDS} (got "${flags.window}")`,
        );
      }
      if (!(hopSeconds >= 0.01 && hopSeconds <= MAX_WINDOW_SECONDS)) {
        throw usageError(`--hop must be a number of seconds from 0.01 to ${MAX_WINDOW_SECONDS} (got "${flags.hop}")`);
      }
      const modelDir = flags.model ?? DEFAULT_MODEL_DIR;
      const backend = await initBackend();
      const model = await loadModelFolder(modelDir);
      const profile = loadFeatureProfile(model.featureProfile);
      const frontEnd = frontEndOf(model.metadata);
      const nets = model.members.length;
      const results: FileResult[] = [];
      let failures;
      try {
        ({ failures } = await forEachInputFile(files, async (file) => {
          const raw = await loadAudioFileAs16kMono(file);
          const windows = speechWindows(raw, windowSeconds, hopSeconds);
          // A file is one stream: its normaliser (if the model uses one) learns from its voiced windows, as in the node.
          const normaliser = model.createStreamNormaliser();
          const prepare = (vector: ArrayLike<number>) => {
            if (!normaliser) return vector;
            normaliser.update(vector);
            return normaliser.normalise(vector);
          };
          const speech = applyClipFrontEnd(raw, frontEnd);
          const noSpeech = noSpeechReason(raw, windows, speech);
          const result: FileResult = { file, duration: raw.length / MODEL_SAMPLE_RATE, voiced: !noSpeech, prediction: null };
          if (noSpeech) result.noSpeech = noSpeech;
          else {
            result.seconds = speech.length / MODEL_SAMPLE_RATE;
            result.prediction = model.predict([prepare(profile.clipVector(speech))])[0];
          }
          if (flags.timeline) {
            const vectors: ArrayLike<number>[] = [];
            const entries: TimelineEntry[] = windows.map((w) => {
              const entry = {
                start: w.startSample / MODEL_SAMPLE_RATE,
                end: w.endSample / MODEL_SAMPLE_RATE,
                voiced: w.voiced,
                speechRatio: w.speechRatio,
              };
              const samples = w.voiced ? applyClipFrontEnd(raw.subarray(w.startSample, w.endSample), frontEnd) : undefined;
              if (samples && samples.length >= FRAME_LENGTH) vectors.push(prepare(profile.clipVector(samples)));
              else entry.voiced = false;
              return entry;
            });
            const predictions = vectors.length > 0 ? model.predict(vectors) : [];
            let next = 0;
            result.timeline = entries.map((entry) => (entry.voiced ? { ...entry, ...predictions[next++] } : entry));
          }
          results.push(result);
          if (!flags.json) printResult(result);
        }));
      } finally {
        model.dispose();
      }
      if (flags.json) {
        const failed = failures.map((f) => ({ file: f.file, error: f.reason }));
        console.log(JSON.stringify({ backend, model: modelDir, nets, results, ...(failed.length ? { failed } : {}) }, null, 2));
      }
    });
}

/** The feature-window node's windows of a whole file, with its speech measure (their vectors are not used). */
function speechWindows(samples: Float32Array, windowSeconds: number, hopSeconds: number): FeatureWindow[] {
  const stream = new FeatureWindowStream('classify', { windowSeconds, hopSeconds, trimSilence: false });
  return [...stream.push(samples, 0), ...stream.end()];
}

function noSpeechReason(raw: Float32Array, windows: FeatureWindow[], speech: Float32Array): string | undefined {
  const minSeconds = DEFAULT_FEATURE_WINDOW_OPTIONS.minFinalSeconds;
  if (windows.length === 0)
    return `too short: ${(raw.length / MODEL_SAMPLE_RATE).toFixed(2)} s, less than the ${minSeconds} s a window needs`;
  if (!windows.some((w) => w.voiced)) {
    const most = Math.max(...windows.map((w) => w.speechRatio));
    return `speech in at most ${(100 * most).toFixed(0)}% of a window's frames, ${100 * DEFAULT_FEATURE_WINDOW_OPTIONS.minSpeechRatio}% needed`;
  }
  if (speech.length < FRAME_LENGTH) return `less than one 25 ms frame of speech`;
  return undefined;
}

function printResult(r: FileResult): void {
  console.log(`${r.file}: ${r.prediction ? describe(r.prediction) : `no speech (${r.noSpeech})`}`);
  for (const w of r.timeline ?? []) {
    console.log(
      `  ${w.start.toFixed(2)}-${w.end.toFixed(2)} s  ${w.emotion ? describe(w as TaskOutputs) : `no speech (speech in ${(100 * w.speechRatio).toFixed(0)}% of frames)`}`,
    );
  }
}

function describe(p: TaskOutputs): string {
  const probs = Object.entries(p.probabilities)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
  return `${p.emotion} (${p.confidence.toFixed(2)}; ${probs}; valence ${p.valence.label}, activation ${p.activation.label})`;
}
