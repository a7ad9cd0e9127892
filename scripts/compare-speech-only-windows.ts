/**
 * Speech-only windows from the frame records (stretch start moved onto the 10 ms grid) against the earlier
 * computation (the stretch exactly as speechSpan cuts it, recomputed from its samples): how far the
 * vectors move, and what the shipped model makes of each, on the same windows of the RAVDESS clips.
 * Each actor is one stream (the model's per-stream calibration), clips in manifest order,
 * 3 s windows every 1 s as the node's defaults.
 * Usage: node --import tsx scripts/compare-speech-only-windows.ts [--window 3 --hop 1]
 */
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { FeatureWindowStream } from '../src/core/features/feature-window-stream';
import { paperClipVector } from '../src/core/features/paper-features';
import { speechSpan } from '../src/core/features/front-end/speech-trimming';
import { EmotionModel, EmotionStreamClassifier, DEFAULT_MODEL_DIR, initBackend } from '../src/core/model';
import { readManifest } from '../src/core/training/corpus-manifest';
import { FULL_DATA } from '../test/helpers/corpus';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const windowSeconds = arg('window', 3);
const hopSeconds = arg('hop', 1);
const EMOTIONS = ['anger', 'happiness', 'neutral', 'sadness'];

function unweightedRecall(truth: number[], predicted: number[]): number {
  const recalls = EMOTIONS.map((_, c) => {
    const ofClass = truth.map((t, i) => (t === c ? i : -1)).filter((i) => i >= 0);
    return ofClass.length ? ofClass.filter((i) => predicted[i] === c).length / ofClass.length : NaN;
  }).filter((r) => !Number.isNaN(r));
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

async function main() {
  await initBackend();
  const { entries } = await readManifest(FULL_DATA.manifest);
  const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
  const classifiers = [0, 1].map(
    () => new EmotionStreamClassifier(model, { maxStreams: 100, idleMs: 0, maxBatch: 64, maxWaitMs: 0, attention: false }),
  );
  let windows = 0;
  let trimmed = 0;
  let shifted = 0;
  let maxAbs = 0;
  let maxRelative = 0;
  const truth: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  for (const entry of entries) {
    const samples = await loadAudioFileAs16kMono(entry.path);
    const stream = new FeatureWindowStream(entry.speaker, { windowSeconds, hopSeconds, trimSilence: true });
    const ws = [...stream.push(samples), ...stream.end()];
    for (const w of ws) {
      const stretch = samples.subarray(w.startSample, w.endSample);
      const span = speechSpan(stretch);
      const cut = !(span.start === 0 && span.end === stretch.length) && span.end - span.start >= 400;
      const earlier = cut ? Array.from(paperClipVector(stretch, span.start, span.end)) : w.vector;
      windows++;
      if (cut) trimmed++;
      if (cut && span.start % 160 !== 0) shifted++;
      for (let i = 0; i < earlier.length; i++) {
        const d = Math.abs(earlier[i] - w.vector[i]);
        maxAbs = Math.max(maxAbs, d);
        if (Math.abs(earlier[i]) > 1e-9) maxRelative = Math.max(maxRelative, d / Math.abs(earlier[i]));
      }
      if (!w.voiced) continue;
      const input = { streamId: entry.speaker, start: w.start, end: w.end, voiced: true };
      const [b, a] = await Promise.all([
        classifiers[0].classify({ ...input, vector: earlier }),
        classifiers[1].classify({ ...input, vector: w.vector }),
      ]);
      truth.push(entry.emotion);
      before.push(EMOTIONS.indexOf(b.emotion));
      after.push(EMOTIONS.indexOf(a.emotion));
    }
  }
  const agree = before.filter((p, i) => p === after[i]).length;
  console.log(`${entries.length} clips of ${FULL_DATA.manifest}, ${windowSeconds} s windows every ${hopSeconds} s`);
  console.log(`${windows} windows, ${trimmed} trimmed, of which ${shifted} start 80 samples (5 ms) later, on the frame grid`);
  console.log(`vectors: max abs difference ${maxAbs.toExponential(2)}, max relative difference ${maxRelative.toExponential(2)}`);
  console.log(
    `shipped model on the ${truth.length} voiced windows: same emotion for ${agree} (${((100 * agree) / truth.length).toFixed(2)}%)`,
  );
  console.log(
    `UAR earlier ${(100 * unweightedRecall(truth, before)).toFixed(2)}%, from the records ${(100 * unweightedRecall(truth, after)).toFixed(2)}%`,
  );
  for (const c of classifiers) c.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
