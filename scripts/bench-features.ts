/**
 * Real-time factor of the paper feature profile (seconds of audio per second of compute, one
 * thread), whole-file and streaming with overlapping windows, on the real RAVDESS corpus.
 * Usage: npm run bench:features [-- --seconds 600 --window 3 --hop 1 --before DIR] (builds dist/ first)
 * --before DIR [--before-float]: also measure the built dist/ of another checkout (e.g. a git worktree of an earlier
 * commit, built there) on the same audio in the same run, alternating, for before/after figures (--before-rounds N
 * alternations, best of each; default 2).
 * --pyaudioanalysis DIR: also run pyAudioAnalysis itself (a checkout of tyiannak/pyAudioAnalysis; python3 with numpy
 * and scipy) on the same 16-bit audio in the same run, and compare CPU time and the first clip's features.
 */
import { largestRelativeDifference, measurePyAudioAnalysis } from './bench/pyaudioanalysis-baseline';
import { compiledFeatures } from './bench/compiled-features';
import { loadRavdessSpeech } from './bench/ravdess-speech';
import { cpuSeconds } from './bench/cpu-time';

const compiled = compiledFeatures;
const { FeatureWindowStream } = compiled<typeof import('../src/core/features/feature-window-stream')>('feature-window-stream');
const { FrameAnalyser, FrameRecords } = compiled<typeof import('../src/core/features/frame-record')>('frame-record');
const { paperClipVector, paperShortTermMatrix } = compiled<typeof import('../src/core/features/paper-features')>('paper-features');
const { referenceShortTermFeatures, normalisationOf } =
  compiled<typeof import('../src/core/features/reference-short-term-features')>('reference-short-term-features');
const { RealFft400 } = compiled<typeof import('../src/core/features/real-fft-400')>('real-fft-400');
const { simdPcmChunk } = compiled<typeof import('../src/core/features/pcm-chunk-simd')>('pcm-chunk-simd');
const { simdFrameSpectrum } = compiled<typeof import('../src/core/features/frame-spectrum-simd')>('frame-spectrum-simd');
const { WindowFeatureComputer } = compiled<typeof import('../src/core/features/window-short-term-features')>('window-short-term-features');
const { onFeatureFrameGrid, speechSpanOfEnergies, frameEnergies } =
  compiled<typeof import('../src/core/features/front-end/speech-trimming')>('front-end/speech-trimming');
const { meanAndStd } = compiled<typeof import('../src/core/features/clip-vector')>('clip-vector');
type StreamClass = typeof import('../src/core/features/feature-window-stream').FeatureWindowStream;
type ClipVector = typeof import('../src/core/features/paper-features').paperClipVector;

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const targetSeconds = arg('seconds', 600);
const windowSeconds = arg('window', 3);
const hopSeconds = arg('hop', 1);
const beforeIndex = args.indexOf('--before');
const beforeRoot = beforeIndex >= 0 ? args[beforeIndex + 1] : undefined;
/** --before-float: feed the earlier build floats (builds older than 16-bit input to FeatureWindowStream) */
const beforeInt16 = !args.includes('--before-float');
const beforeRounds = arg('before-rounds', 2);
const toolkitIndex = args.indexOf('--pyaudioanalysis');
const toolkitDir = toolkitIndex >= 0 ? args[toolkitIndex + 1] : undefined;

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
  const { clips, stream, seconds } = await loadRavdessSpeech(targetSeconds);
  console.log(`audio: ${clips.length} RAVDESS clips, ${seconds.toFixed(1)} s, node ${process.version}, one thread, CPU time`);

  let sink = 0;
  const chunk = 4000; // 250 ms, as audio-source sends
  const stream16 = Int16Array.from(stream, (v) => v * 32768);
  /** The three headline measurements of one build: whole clips, streaming windows, speech-only windows. */
  function headline(Stream: StreamClass, clipVector: ClipVector, int16: boolean) {
    clipVector(clips[0]); // warm-up
    const whole = time(() => {
      for (const c of clips) sink += clipVector(c)[0];
    });
    const run = (trimSilence: boolean) => {
      const s = new Stream('bench', { windowSeconds, hopSeconds, trimSilence });
      const input = int16 ? stream16 : stream;
      let count = 0;
      let trimmed = 0;
      const add = (ws: { trimmed?: boolean }[]) => {
        count += ws.length;
        for (const w of ws) trimmed += w.trimmed ? 1 : 0;
      };
      for (let i = 0; i < input.length; i += chunk) add(s.push(input.subarray(i, i + chunk)));
      add(s.end());
      return { count, trimmed, fallbacks: { ...s.fallbacks } };
    };
    let plain = run(false);
    const streaming = time(() => (plain = run(false)));
    let speech = run(true);
    const speechOnly = time(() => (speech = run(true)));
    return { whole, streaming, speechOnly, plain, speech };
  }
  const now = headline(FeatureWindowStream, paperClipVector, true);
  const nowFloat = headline(FeatureWindowStream, paperClipVector, false);
  const windows = now.plain.count;
  const trimmedWindows = now.speech.trimmed;
  const fallbacks = now.plain.fallbacks;
  const wholeFile = now.whole;
  const streaming = now.streaming;
  const speechOnly = now.speechOnly;

  const referenceSubset = clips.slice(0, Math.max(1, Math.floor(clips.length / 10)));
  const referenceSeconds = referenceSubset.reduce((n, c) => n + c.length, 0) / 16000;
  const reference = time(() => {
    for (const c of referenceSubset) sink += referenceShortTermFeatures(c)[0][0];
  }, 1);

  // an earlier build on the same audio, alternating with this one so that both see the same load
  let before: ReturnType<typeof headline> | undefined;
  let after: ReturnType<typeof headline> | undefined;
  if (beforeRoot) {
    const Before = compiled<typeof import('../src/core/features/feature-window-stream')>(
      'feature-window-stream',
      beforeRoot,
    ).FeatureWindowStream;
    const beforeClip = compiled<typeof import('../src/core/features/paper-features')>('paper-features', beforeRoot).paperClipVector;
    for (let r = 0; r < beforeRounds; r++) {
      const b = headline(Before, beforeClip, beforeInt16);
      const a = headline(FeatureWindowStream, paperClipVector, true);
      const best = (x: typeof b | undefined, y: typeof b) =>
        x
          ? {
              ...y,
              whole: Math.min(x.whole, y.whole),
              streaming: Math.min(x.streaming, y.streaming),
              speechOnly: Math.min(x.speechOnly, y.speechOnly),
            }
          : y;
      before = best(before, b);
      after = best(after, a);
    }
  }

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
  const ring = new FrameRecords(framesPerWindow + 2, framesPerWindow + 2);
  const analyseTime = time(() => {
    const analyser = new FrameAnalyser();
    analyser.zcrReach = 1 / 32768; // 16-bit audio, as the stream sets it
    for (let j = 0; j < numFrames; j++) analyser.analyse(stream, j * 160, ring, j % ring.slots);
  });
  // the stages of a frame's record, each over every frame, from spectra computed beforehand
  const spectra = new Float64Array(numFrames * 200);
  for (let j = 0; j < numFrames; j++) {
    fft.powerSpectrum(stream, j * 160, power);
    spectra.set(power, j * 200);
  }
  const stageAnalyser = new FrameAnalyser();
  stageAnalyser.zcrReach = 1 / 32768;
  const stageTime = (stage: (j: number, slot: number) => void) =>
    time(() => {
      for (let j = 0; j < numFrames; j++) stage(j, j % ring.slots);
    });
  const blocksTime = stageTime((j, slot) => stageAnalyser.analyseBlocks(stream, j * 160, ring, slot));
  const spectralTime = stageTime((j, slot) => stageAnalyser.analyseSpectrum(spectra.subarray(j * 200, j * 200 + 200), ring, slot));
  const chromaTime = stageTime((j, slot) => stageAnalyser.analyseChroma(spectra.subarray(j * 200, j * 200 + 200), ring, slot));
  const magnitudes = spectra.map(Math.sqrt);
  const mfccTime = stageTime((j, slot) => stageAnalyser.analyseMfcc(magnitudes.subarray(j * 200, j * 200 + 200), ring, slot));
  // what the record runs instead where WebAssembly SIMD is there: the kernel's FFT and spectral stages, then the
  // filter outputs' logs and the DCTs
  const kernel = simdFrameSpectrum();
  const kernelTime =
    kernel &&
    time(() => {
      for (let j = 0; j < numFrames; j++) {
        kernel.analyse(stream, j * 160, j > 0 ? kernel.magnitude : undefined);
        for (let i = 0; i < 40; i++) kernel.logFilters[i] = Math.log(kernel.filters[i]);
        kernel.mfccDcts();
      }
    });
  // speech trimming of each window: its stretch (on the float audio the stream reads)
  const windowStarts: number[] = [];
  for (let first = 0; first + framesPerWindow <= numFrames; first += hopFrames) windowStarts.push(first * 160);
  // as the stream does it: each 400-sample trimming frame's energy once, then each window's stretch from them
  const trimTime = time(() => {
    const energies = Float64Array.from(frameEnergies(stream));
    const perWindow = Math.floor((windowSeconds * 16000) / 400);
    for (const from of windowStarts) {
      const first = from / 400;
      sink += onFeatureFrameGrid(speechSpanOfEnergies(energies.subarray(first, first + perWindow), windowSeconds * 16000)).start;
    }
  });
  // as the stream converts its 16-bit audio: by the WebAssembly kernel where there is one
  const pcmKernel = simdPcmChunk();
  const toFloatTime = time(() => {
    const view = new Float32Array(windowSeconds * 16000);
    for (let i = 0; i < stream16.length; i += chunk) {
      const part = stream16.subarray(i, i + chunk);
      if (pcmKernel) pcmKernel.toFloats(part, 0, part.length, view, 0);
      else for (let k = 0; k < part.length; k++) view[k] = part[k] * (1 / 32768);
    }
    sink += view[0];
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
            { records, slot: (j) => first + j, samples: () => stream, sampleOffset: (j) => from + j * 160, numFrames: framesPerWindow },
            mean,
            scale,
            matrix,
            framesPerWindow,
          );
          for (let i = 0; i < 34; i++) sink += meanAndStd(matrix, i * framesPerWindow, (i + 1) * framesPerWindow).std;
          windowCount++;
        }
      }, 1),
    );
  }

  const rtf = (t: number, s = seconds) => `${(s / t).toFixed(0)}x real time`;
  const usPerFrame = (t: number) => `${((t / numFrames) * 1e6).toFixed(2)} us/frame`;
  console.log(`reference (literal toolkit port, no reuse): ${rtf(reference, referenceSeconds)}  [${referenceSubset.length} clips]`);
  console.log(`paper profile, whole file:                  ${rtf(wholeFile)}`);
  console.log(`paper profile, streaming ${windowSeconds} s windows every ${hopSeconds} s (${windows} windows): ${rtf(streaming)}`);
  console.log(`  fallbacks in streaming: ${JSON.stringify(fallbacks)} over ${windows * framesPerWindow} frame-windows`);
  console.log(
    `paper profile, streaming with speech-only windows (the node's default; ${trimmedWindows} of ${windows} windows trimmed): ${rtf(speechOnly)}`,
  );
  console.log(
    `  the same with float input instead of 16-bit PCM: streaming ${rtf(nowFloat.streaming)}, speech-only ${rtf(nowFloat.speechOnly)}`,
  );
  console.log('where the time goes, per 10 ms frame (same audio, each stage timed alone over every frame):');
  console.log(`  400-point FFT (framing included):          ${usPerFrame(fftTime)}`);
  console.log(`  time domain (blocks, energy, zero crossings): ${usPerFrame(blocksTime)}`);
  if (kernelTime !== null) {
    console.log(`  FFT, spectral sums, chroma, MFCC (WebAssembly SIMD, the logs in JavaScript): ${usPerFrame(kernelTime)}`);
  }
  console.log(`  the spectral stages in JavaScript (where WebAssembly SIMD is missing; the record above does not run them):`);
  console.log(`    spectral sums (centroid, entropy, flux, rolloff): ${usPerFrame(spectralTime)}`);
  console.log(`    chroma:                                     ${usPerFrame(chromaTime)}`);
  console.log(`    MFCC (filter bank, log, DCT):               ${usPerFrame(mfccTime)}`);
  console.log(`  frame record, all stages together:          ${usPerFrame(analyseTime)}`);
  const frameWindows = windowCount * framesPerWindow;
  console.log(
    `  window statistics (34 features from records + mean/std, ${windowCount} windows): ${((windowTime / frameWindows) * 1e9).toFixed(0)} ns/frame-window, ${usPerFrame(windowTime)}`,
  );
  console.log(`  speech trimming (energies once, each window's stretch): ${usPerFrame(trimTime)}`);
  console.log(`  16-bit PCM to floats for the analysis${pcmKernel ? ' (WebAssembly SIMD)' : ''}: ${usPerFrame(toFloatTime)}`);
  console.log(`  streaming total:                            ${usPerFrame(streaming)}; speech-only ${usPerFrame(speechOnly)}`);
  if (before && after) {
    console.log(
      `before (${beforeRoot}, ${beforeInt16 ? '16-bit' : 'float'} input) / after (this build, 16-bit input), same audio, same run, best of ${beforeRounds} alternating:`,
    );
    console.log(`  whole file:        ${rtf(before.whole)} / ${rtf(after.whole)}`);
    console.log(`  streaming:         ${rtf(before.streaming)} / ${rtf(after.streaming)}`);
    console.log(`  speech-only:       ${rtf(before.speechOnly)} / ${rtf(after.speechOnly)}`);
  }
  if (toolkitDir) {
    const toolkit = measurePyAudioAnalysis(
      toolkitDir,
      clips.map((c) => Int16Array.from(c, (v) => v * 32768)),
      windowSeconds,
      hopSeconds,
    );
    const versions = `Python ${toolkit.python}, numpy ${toolkit.numpy}, scipy ${toolkit.scipy}`;
    console.log(`pyAudioAnalysis ${toolkit.commit ?? '(commit unknown)'} (${versions}), the same 16-bit audio, same run, CPU time:`);
    console.log(`  feature_extraction, whole clips:         ${rtf(toolkit.wholeCpuSeconds, toolkit.audioSeconds)}`);
    console.log(
      `  feature_extraction per ${windowSeconds} s window every ${hopSeconds} s (${toolkit.windows} windows): ${rtf(toolkit.windowsCpuSeconds, toolkit.audioSeconds)}`,
    );
    const times = (ours: number, theirs: number) => `${(theirs / ours).toFixed(0)}x`;
    console.log(
      `  this package's speech-only streaming against the toolkit: ${times(speechOnly, toolkit.wholeCpuSeconds)} its whole clips, ${times(speechOnly, toolkit.windowsCpuSeconds)} its windows`,
    );
    console.log(
      `  this package's streaming (all windows) against the toolkit: ${times(streaming, toolkit.wholeCpuSeconds)} its whole clips, ${times(streaming, toolkit.windowsCpuSeconds)} its windows`,
    );
    const ours = paperShortTermMatrix(clips[0], 0, clips[0].length);
    console.log(
      `  first clip's short-term features, toolkit against this package: largest difference ${largestRelativeDifference(toolkit.firstClip, ours).toExponential(1)} of each feature's range`,
    );
  }
  if (sink === 42) console.log('');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
