import type { Command } from 'commander';
import { MODEL_SAMPLE_RATE } from '../../core/audio/audio-chunk';
import { loadAudioFileAs16kMono } from '../../core/audio/load-audio-file';
import { applyClipFrontEnd, frontEndOf } from '../../core/model/clip-front-end';
import { initBackend } from '../../core/model/backend';
import { loadFeatureProfile } from '../../core/model/corpus-features';
import { EmotionModel, type TaskOutputs } from '../../core/model/emotion-model';
import { DEFAULT_MODEL_DIR } from '../../core/model/package-paths';

interface ClassifyFlags {
  model?: string;
  json?: boolean;
  timeline?: boolean;
  window: string;
  hop: string;
}

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify audio files: the emotion of each whole file, or window by window with --timeline')
    .argument('<files...>', 'WAV files (any rate and channel count)')
    .option('--model <dir>', 'model directory (default: the shipped model)')
    .option('--json', 'print JSON')
    .option('--timeline', 'also classify window by window')
    .option('--window <s>', 'timeline window length in seconds', '3')
    .option('--hop <s>', 'timeline hop in seconds', '1')
    .action(async (files: string[], flags: ClassifyFlags) => {
      const windowSeconds = Number(flags.window);
      const hopSeconds = Number(flags.hop);
      if (!(windowSeconds > 0) || !(hopSeconds > 0)) throw new Error('--window and --hop must be positive numbers of seconds');
      const backend = await initBackend();
      const model = await EmotionModel.load(flags.model ?? DEFAULT_MODEL_DIR);
      const profile = loadFeatureProfile(model.featureProfile);
      const results = [];
      try {
        for (const file of files) {
          const raw = await loadAudioFileAs16kMono(file);
          const frontEnd = frontEndOf(model.metadata);
          const samples = applyClipFrontEnd(raw, frontEnd);
          if (samples.length < 400) throw new Error(`${file}: too short or silent (${samples.length} samples of speech at 16 kHz, need at least 400)`);
          // A file is one stream: its normaliser (if the model uses one) sees the whole file first.
          const normaliser = model.createStreamNormaliser();
          const prepare = (vector: ArrayLike<number>) => {
            if (!normaliser) return vector;
            normaliser.update(vector);
            return normaliser.normalise(vector);
          };
          const whole = model.predict([prepare(profile.clipVector(samples))])[0];
          const entry: { file: string; seconds: number; prediction: TaskOutputs; timeline?: ({ start: number; end: number } & TaskOutputs)[] } = {
            file,
            seconds: samples.length / MODEL_SAMPLE_RATE,
            prediction: whole,
          };
          if (flags.timeline) {
            const win = Math.round(windowSeconds * MODEL_SAMPLE_RATE);
            const hop = Math.round(hopSeconds * MODEL_SAMPLE_RATE);
            const windows: { start: number; end: number; vector: ArrayLike<number> }[] = [];
            // Windows of the file as recorded, so their times are the file's.
            for (let start = 0; start === 0 || start + win <= raw.length; start += hop) {
              const end = Math.min(raw.length, start + win);
              windows.push({ start: start / MODEL_SAMPLE_RATE, end: end / MODEL_SAMPLE_RATE, vector: prepare(profile.clipVector(applyClipFrontEnd(raw.subarray(start, end), frontEnd))) });
            }
            entry.timeline = model.predict(windows.map((w) => w.vector)).map((p, i) => ({ start: windows[i].start, end: windows[i].end, ...p }));
          }
          results.push(entry);
        }
      } finally {
        model.dispose();
      }
      if (flags.json) {
        console.log(JSON.stringify({ backend, model: flags.model ?? DEFAULT_MODEL_DIR, results }, null, 2));
        return;
      }
      for (const r of results) {
        console.log(`${r.file}: ${describe(r.prediction)}`);
        for (const w of r.timeline ?? []) console.log(`  ${w.start.toFixed(2)}-${w.end.toFixed(2)} s  ${describe(w)}`);
      }
    });
}

function describe(p: TaskOutputs): string {
  const probs = Object.entries(p.probabilities)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
  return `${p.emotion} (${p.confidence.toFixed(2)}; ${probs}; valence ${p.valence.label}, activation ${p.activation.label})`;
}
