/**
 * Real-time factor of the paper feature profile (seconds of audio per second of compute, one
 * thread), whole-file and streaming with overlapping windows, on the real RAVDESS corpus.
 * Usage: npm run bench:features [-- --seconds 600 --window 3 --hop 1] (builds dist/ first)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { FULL_DATA } from '../test/helpers/corpus';

// The code measured is the compiled package (dist/, built by `npm run build`), which Node-RED runs
// in plain node. Run from src/ under tsx, every imported binding is read through a getter (esbuild
// turns imports into getters), and the feature code ran 3-4x slower (CPU time, 60 s of audio,
// streaming about 200x against 700x real time on the shared 2-core machine).
function compiled<M>(modulePath: string): M {
  const file = join(__dirname, '..', 'dist', 'core', 'features', modulePath);
  if (!existsSync(`${file}.js`)) throw new Error(`${file}.js is missing: run npm run build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, found at run time
  return require(file) as M;
}
const { FeatureWindowStream } = compiled<typeof import('../src/core/features/feature-window-stream')>('feature-window-stream');
const { FrameAnalyser, FrameRecords } = compiled<typeof import('../src/core/features/frame-record')>('frame-record');
const { paperClipVector } = compiled<typeof import('../src/core/features/paper-features')>('paper-features');
const { referenceShortTermFeatures, normalisationOf } =
  compiled<typeof import('../src/core/features/reference-short-term-features')>('reference-short-term-features');
const { RealFft400 } = compiled<typeof import('../src/core/features/real-fft-400')>('real-fft-400');
const { WindowFeatureComputer } = compiled<typeof import('../src/core/features/window-short-term-features')>('window-short-term-features');

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const targetSeconds = arg('seconds', 600);
const windowSeconds = arg('window', 3);
const hopSeconds = arg('hop', 1);

const corpus = FULL_DATA.corpus16k;

// CPU time of this process (user + system), not wall-clock time: on a shared machine the wall clock
// also counts the time other processes held the cores.
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function time(run: () => void, repeats = 3): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = cpuSeconds();
    run();
    best = Math.min(best, cpuSeconds() - t0);
  }
  return best;
}

async function main() {
  const paths = readFileSync(join(corpus, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0]);
  const clips: Float32Array[] = [];
  let seconds = 0;
  for (const p of paths) {
    if (seconds >= targetSeconds) break;
    const s = await loadAudioFileAs16kMono(join(corpus, p));
    clips.push(s);
    seconds += s.length / 16000;
  }
  // one long stream of all clips back to back, as a microphone would give
  const stream = new Float32Array(clips.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of clips) {
    stream.set(c, o);
    o += c.length;
  }
  console.log(`audio: ${clips.length} RAVDESS clips, ${seconds.toFixed(1)} s, node ${process.version}, one thread, CPU time`);

  let sink = 0;
  paperClipVector(clips[0]); // warm-up
  const wholeFile = time(() => {
    for (const c of clips) sink += paperClipVector(c)[0];
  });
  const referenceSubset = clips.slice(0, Math.max(1, Math.floor(clips.length / 10)));
  const referenceSeconds = referenceSubset.reduce((n, c) => n + c.length, 0) / 16000;
  const reference = time(() => {
    for (const c of referenceSubset) sink += referenceShortTermFeatures(c)[0][0];
  }, 1);

  const chunk = 4000; // 250 ms, as audio-source sends
  let windows = 0;
  let fallbacks = { zcr: 0, rolloff: 0, mfcc: 0 };
  const streaming = time(() => {
    const s = new FeatureWindowStream('bench', { windowSeconds, hopSeconds, trimSilence: false });
    windows = 0;
    for (let i = 0; i < stream.length; i += chunk) windows += s.push(stream.subarray(i, i + chunk)).length;
    windows += s.end().length;
    fallbacks = { ...s.fallbacks };
  });

  // the feature-window node's default: silent window edges cut, trimmed windows computed directly
  let trimmedWindows = 0;
  const speechOnly = time(() => {
    const s = new FeatureWindowStream('bench', { windowSeconds, hopSeconds, trimSilence: true });
    trimmedWindows = 0;
    const count = (ws: { trimmed?: boolean }[]) => ws.forEach((w) => (trimmedWindows += w.trimmed ? 1 : 0));
    for (let i = 0; i < stream.length; i += chunk) count(s.push(stream.subarray(i, i + chunk)));
    count(s.end());
  });

  // where the time goes: the parts of the streaming path on the same audio
  const numFrames = Math.floor((stream.length - 400) / 160) + 1;
  const fft = new RealFft400();
  const power = new Float64Array(200);
  const fftTime = time(() => {
    for (let j = 0; j < numFrames; j++) fft.powerSpectrum(stream, j * 160, power);
  });
  const framesPerWindow = Math.floor((windowSeconds * 16000 - 400) / 160) + 1;
  const hopFrames = Math.round(hopSeconds * 100);
  // a ring of one window's records, as the stream keeps
  const ring = new FrameRecords(framesPerWindow + 1);
  const analyseTime = time(() => {
    const analyser = new FrameAnalyser();
    analyser.zcrReach = 1 / 32768; // 16-bit audio, as the stream sets it
    for (let j = 0; j < numFrames; j++) analyser.analyse(stream, j * 160, ring, j % ring.slots);
  });
  const records = new FrameRecords(numFrames);
  const matrix = new Float64Array(34 * framesPerWindow);
  const normalisations: { mean: number; scale: number }[] = [];
  for (let first = 0; first + framesPerWindow <= numFrames; first += hopFrames) {
    normalisations.push(normalisationOf(stream, first * 160, first * 160 + windowSeconds * 16000));
  }
  let windowCount = 0;
  let windowTime = Infinity;
  for (let r = 0; r < 3; r++) {
    // fresh records each time: windows update their zero-crossing caches
    const analyser = new FrameAnalyser();
    analyser.zcrReach = 1 / 32768;
    for (let j = 0; j < numFrames; j++) analyser.analyse(stream, j * 160, records, j);
    windowTime = Math.min(
      windowTime,
      time(() => {
        const computer = new WindowFeatureComputer();
        windowCount = 0;
        for (let first = 0; first + framesPerWindow <= numFrames; first += hopFrames) {
          const from = first * 160;
          const { mean, scale } = normalisations[windowCount];
          computer.compute(
            { records, slot: (j) => first + j, samples: stream, sampleOffset: (j) => from + j * 160, numFrames: framesPerWindow },
            mean,
            scale,
            matrix,
            framesPerWindow,
          );
          windowCount++;
        }
      }, 1),
    );
  }

  const rtf = (t: number, s = seconds) => `${(s / t).toFixed(0)}x real time`;
  console.log(`reference (literal toolkit port, no reuse): ${rtf(reference, referenceSeconds)}  [${referenceSubset.length} clips]`);
  console.log(`paper profile, whole file:                  ${rtf(wholeFile)}`);
  console.log(`paper profile, streaming ${windowSeconds} s windows every ${hopSeconds} s (${windows} windows): ${rtf(streaming)}`);
  console.log(`  fallbacks in streaming: ${JSON.stringify(fallbacks)} over ${windows * framesPerWindow} frame-windows`);
  console.log(
    `paper profile, streaming with speech-only windows (the node's default; ${trimmedWindows} of ${windows} windows trimmed): ${rtf(speechOnly)}`,
  );
  console.log('where the streaming time goes (same audio, parts timed alone):');
  console.log(
    `  400-point FFT of every frame:               ${(fftTime * 1e3).toFixed(1)} ms (${((fftTime / numFrames) * 1e6).toFixed(2)} us/frame)`,
  );
  console.log(
    `  frame records (FFT + per-frame sums, MFCC): ${(analyseTime * 1e3).toFixed(1)} ms (${((analyseTime / numFrames) * 1e6).toFixed(2)} us/frame)`,
  );
  console.log(
    `  per-window features from records (${windowCount} windows, given mean/scale): ${(windowTime * 1e3).toFixed(1)} ms (${((windowTime / (windowCount * framesPerWindow)) * 1e9).toFixed(0)} ns/frame-window)`,
  );
  console.log(`  streaming total:                            ${(streaming * 1e3).toFixed(1)} ms`);
  if (sink === 42) console.log('');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
