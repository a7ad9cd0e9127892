// How well speech-only trimming and spectral subtraction cope with noise, clip by clip, on
// the full ravdess-4class-16k corpus (every 8th clip unless --all): where the noisy clip's trimmed
// speech starts and ends compared with the clean clip's, for the noise-floor rule and the old
// peak-relative rule, and the SNR gained by spectral subtraction. Numbers quoted in docs/evaluation.md.
// Usage: node --import tsx scripts/eval-speech-trimming.ts [--all]
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { addWhiteNoise } from '../src/core/training/audio-perturbations';
import { readManifest } from '../src/core/training/corpus-manifest';
import { subtractStationaryNoise } from '../src/core/features/front-end/spectral-subtraction';
import {
  PEAK_ONLY_TRIMMING,
  TRIM_FRAME,
  frameEnergies,
  speechSpan,
  type SpeechTrimmingOptions,
} from '../src/core/features/front-end/speech-trimming';
import { signalToErrorDb as snrDb } from '../src/core/audio/signal-to-error';
import { FULL_DATA } from '../test/helpers/corpus';

const manifest = FULL_DATA.manifest;

/** First and last speech frame under a trimming rule (the stretch trimSilence keeps). */
function speechFrames(samples: Float32Array, options: SpeechTrimmingOptions): [number, number] {
  const { start, end } = speechSpan(samples, options);
  return [start / TRIM_FRAME, Math.ceil(end / TRIM_FRAME) - 1];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { entries: all } = await readManifest(manifest);
  const entries = process.argv.includes('--all') ? all : all.filter((_, i) => i % 8 === 0);
  let changedClean = 0;
  const floorsDb: number[] = [];
  const errors: Record<string, { floor: number[]; peak: number[] }> = {};
  const denoiseGain: Record<string, number[]> = {};
  const cleanAfterDenoise: number[] = [];
  for (const [k, entry] of entries.entries()) {
    const clean = await loadAudioFileAs16kMono(entry.path);
    const reference = speechFrames(clean, PEAK_ONLY_TRIMMING);
    const rule = speechFrames(clean, {});
    if (rule[0] !== reference[0] || rule[1] !== reference[1]) changedClean++;
    const energies = frameEnergies(clean);
    const sorted = [...energies].sort((a, b) => a - b);
    floorsDb.push(10 * Math.log10(sorted[Math.floor(0.1 * (sorted.length - 1))] / sorted[sorted.length - 1]));
    cleanAfterDenoise.push(snrDb(clean, subtractStationaryNoise(clean)));
    for (const snr of [20, 10, 5]) {
      const noisy = addWhiteNoise(clean, snr, k + 1);
      const e = (errors[snr] ??= { floor: [], peak: [] });
      const f = speechFrames(noisy, {});
      const p = speechFrames(noisy, PEAK_ONLY_TRIMMING);
      e.floor.push(Math.abs(f[0] - reference[0]) + Math.abs(f[1] - reference[1]));
      e.peak.push(Math.abs(p[0] - reference[0]) + Math.abs(p[1] - reference[1]));
      (denoiseGain[snr] ??= []).push(snrDb(clean, subtractStationaryNoise(noisy)) - snrDb(clean, noisy));
    }
  }
  floorsDb.sort((a, b) => a - b);
  console.log(`${entries.length} clips of ${manifest}`);
  console.log(`clean clips whose speech-only cut moves with the noise-floor rule: ${changedClean}`);
  console.log(
    `noise floor (quietest 10% of frames) relative to the loudest frame: ${floorsDb[0].toFixed(1)} to ${floorsDb[floorsDb.length - 1].toFixed(1)} dB (median ${median(floorsDb).toFixed(1)})`,
  );
  console.log('white noise: error of the speech boundaries vs the clean clip, in 25 ms frames (start + end), mean / median');
  for (const [snr, e] of Object.entries(errors).sort((a, b) => Number(b[0]) - Number(a[0]))) {
    console.log(
      `  ${snr.padStart(2)} dB SNR: noise-floor rule ${mean(e.floor).toFixed(1)} / ${median(e.floor)}, peak-relative rule ${mean(e.peak).toFixed(1)} / ${median(e.peak)}`,
    );
  }
  console.log(
    `spectral subtraction: clean clips keep ${mean(cleanAfterDenoise).toFixed(1)} dB SNR on average (min ${Math.min(...cleanAfterDenoise).toFixed(1)})`,
  );
  for (const [snr, gains] of Object.entries(denoiseGain).sort((a, b) => Number(b[0]) - Number(a[0]))) {
    console.log(`  ${snr.padStart(2)} dB SNR: SNR gained ${mean(gains).toFixed(1)} dB on average (min ${Math.min(...gains).toFixed(1)})`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
