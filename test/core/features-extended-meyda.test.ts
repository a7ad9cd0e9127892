// The extended profile's loudness and spectral shape descriptors were computed by Meyda 5; they are now
// own code (hann-amplitude-spectrum.ts, extended-descriptors.ts) and meyda is a devDependency for this
// comparison only. Real RAVDESS speech, frame by frame and as clip statistics.
//
// Tolerance: both sides store the amplitude spectrum as float32. The two FFTs round differently in
// float64 (about 1e-16 relative), which now and then moves an amplitude across a float32 rounding
// boundary: one float32 step (2^-23 relative) in that bin. Spectra are therefore compared to one
// float32 step per bin, and the descriptors of a frame to 2^-23 relative, no more than such a step in
// the input can move them. Clip statistics average hundreds of frames and are compared at 1e-10.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Meyda from 'meyda';
import { loadSamples } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';
import { HannAmplitudeSpectrum } from '../../src/core/features/hann-amplitude-spectrum';
import { ExtendedDescriptorCalculator, type ExtendedDescriptors } from '../../src/core/features/extended-descriptors';
import { extendedWindowStatistics } from '../../src/core/features/extended-profile';

const FRAME = 512;
const STEP = 160;
const SAMPLE_RATE = 16000;
const FLOAT32_STEP = 2 ** -23;
const DESCRIPTORS = ['loudness', 'spectralFlatness', 'spectralSlope', 'spectralKurtosis'] as const;

interface MeydaFrame {
  amplitudeSpectrum: Float32Array;
  loudness: { total: number };
  spectralFlatness: number;
  spectralSlope: number;
  spectralKurtosis: number;
}

function meyda(frame: Float32Array): MeydaFrame {
  Meyda.bufferSize = FRAME;
  Meyda.sampleRate = SAMPLE_RATE;
  Meyda.windowingFunction = 'hanning';
  return Meyda.extract(['amplitudeSpectrum', ...DESCRIPTORS], frame) as unknown as MeydaFrame;
}

/** Every whole 512-sample frame every 10 ms (a shorter clip: one zero-padded frame), as the extended profile frames a clip. */
function* frames(samples: Float32Array): Generator<Float32Array> {
  for (let start = 0; start + FRAME <= samples.length || (start === 0 && samples.length > 0); start += STEP) {
    const frame = new Float32Array(FRAME);
    frame.set(samples.subarray(start, Math.min(samples.length, start + FRAME)));
    yield frame;
  }
}

function relativeDifference(actual: number, expected: number): number {
  if (!Number.isFinite(expected) || !Number.isFinite(actual))
    return Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)) ? 0 : Infinity;
  return actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
}

function meanAndStd(values: number[]): [number, number] {
  if (values.length === 0) return [0, 0];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [mean, Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)];
}

describe('extended descriptors equal Meyda 5 on real speech', () => {
  const clips = new Map<string, Float32Array>();
  const spectrum = new HannAmplitudeSpectrum(FRAME);
  const calculator = new ExtendedDescriptorCalculator(SAMPLE_RATE, FRAME);

  before(async () => {
    const rows = manifest();
    const picked = [
      rows.find((r) => r.gender === 'male' && r.emotion === 'anger'),
      rows.find((r) => r.gender === 'female' && r.emotion === 'sadness'),
      rows.find((r) => r.gender === 'male' && r.emotion === 'neutral'),
      rows.find((r) => r.gender === 'female' && r.emotion === 'happiness'),
    ];
    for (const row of picked) {
      assert.ok(row, 'the corpus has a clip of each kind');
      clips.set(row.path, await loadSamples(clip16k(row.path)));
    }
    // quiet, silent and clipped audio too: the edges where a ratio is 0/0 or a moment cancels
    const first = clips.values().next().value as Float32Array;
    clips.set(
      'speech at -60 dB',
      first.map((x) => x / 1000),
    );
    clips.set('silence then speech', Float32Array.from([...new Float32Array(4000), ...first.subarray(0, 12000)]));
    clips.set('a clip shorter than one frame', first.subarray(8000, 8300));
    clips.set(
      'clipped speech',
      first.map((x) => Math.max(-0.05, Math.min(0.05, x * 20))),
    );
  });

  test('amplitude spectra: every bin equal, or one float32 step apart', () => {
    let bins = 0;
    let differing = 0;
    for (const [name, samples] of clips) {
      for (const frame of frames(samples)) {
        const ours = spectrum.compute(frame);
        const theirs = meyda(frame).amplitudeSpectrum;
        assert.equal(ours.length, theirs.length);
        for (let k = 0; k < ours.length; k++) {
          bins++;
          if (ours[k] === theirs[k]) continue;
          differing++;
          assert.ok(relativeDifference(ours[k], theirs[k]) <= FLOAT32_STEP, `${name} bin ${k}: ${ours[k]} vs ${theirs[k]}`);
        }
      }
    }
    assert.ok(bins > 100_000, `${bins} bins compared`);
    assert.ok(differing < bins / 1000, `${differing} of ${bins} bins differ`);
    console.log(`  ${differing} of ${bins} amplitude bins differ by one float32 step`);
  });

  test('per frame: loudness, flatness, slope and kurtosis within one float32 step (finite where Meyda is)', () => {
    const worst: Record<string, number> = {};
    let compared = 0;
    for (const [name, samples] of clips) {
      for (const frame of frames(samples)) {
        const ours: ExtendedDescriptors = calculator.describe(spectrum.compute(frame));
        const theirs = meyda(frame);
        for (const descriptor of DESCRIPTORS) {
          const expected = descriptor === 'loudness' ? theirs.loudness.total : theirs[descriptor];
          const difference = relativeDifference(ours[descriptor], expected);
          worst[descriptor] = Math.max(worst[descriptor] ?? 0, difference);
          assert.ok(difference <= FLOAT32_STEP, `${name} ${descriptor}: ${ours[descriptor]} vs ${expected}`);
        }
        compared++;
      }
    }
    assert.ok(compared > 500, `${compared} frames`);
    console.log(`  worst relative difference per frame over ${compared} frames: ${JSON.stringify(worst)}`);
  });

  test("the extended profile's 8 spectral statistics equal those computed with Meyda", () => {
    for (const [name, samples] of clips) {
      const series: number[][] = DESCRIPTORS.map(() => []);
      for (const frame of frames(samples)) {
        const theirs = meyda(frame);
        DESCRIPTORS.forEach((descriptor, i) => {
          const value = descriptor === 'loudness' ? theirs.loudness.total : theirs[descriptor];
          if (Number.isFinite(value)) series[i].push(value);
        });
      }
      const expected = series.flatMap(meanAndStd);
      const actual = extendedWindowStatistics(samples).slice(5);
      assert.equal(actual.length, 8);
      actual.forEach((value, i) =>
        assert.ok(relativeDifference(value, expected[i]) <= 1e-10, `${name} statistic ${i}: ${value} vs ${expected[i]}`),
      );
    }
  });
});
