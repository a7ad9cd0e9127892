import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadSamples, worstViolation } from './features-golden-fixtures';
import { HAS_FULL_CORPUS, fullCorpusOnly, goldenCases, type GoldenCase } from '../helpers/corpus';
import {
  PAPER_FEATURE_NAMES,
  getFeatureProfile,
  paperClipVector,
  paperShortTermFeatures,
  referenceShortTermFeatures,
} from '../../src/core/features';

// The toolkit's own output (golden/pyaudioanalysis, or its copy in test/fixtures): every file, every frame, every feature.
const cases = goldenCases();
const samplesByCase = new Map<string, Float32Array>();

// The 440 Hz sine has exactly 11 periods per frame: every bin but one is FFT rounding noise
// (~1e-17) next to eps before the log, so its MFCCs follow each FFT's rounding (~3e-5 absolute,
// ~1e-3 of their std over frames). Compared at 1e-3 relative with a 1e-5 absolute floor.
function tolerance(c: GoldenCase): { rel: number; abs: number } {
  return c.name.includes('sine') ? { rel: 1e-3, abs: 1e-5 } : { rel: 1e-6, abs: 1e-9 };
}

function assertShortTerm(actual: Float64Array[], c: GoldenCase, label: string): void {
  assert.equal(actual.length, 34);
  for (let i = 0; i < 34; i++) {
    assert.equal(actual[i].length, c.numFrames, `${c.name}: frame count`);
    const { ratio, index } = worstViolation(actual[i], c.shortTerm[i], tolerance(c).rel, tolerance(c).abs);
    assert.ok(ratio <= 1, `${label} ${c.name} ${c.featureNames[i]} frame ${index}: ${actual[i][index]} vs ${c.shortTerm[i][index]}`);
  }
}

describe('paper features match pyAudioAnalysis on every golden file', () => {
  before(async () => {
    for (const c of cases) samplesByCase.set(c.name, await loadSamples(c.wavPath));
  });

  test('the golden set is all there (speech, edge cases, 24 RAVDESS actors or the 4 in the fixtures)', () => {
    assert.equal(cases.filter((c) => c.name.startsWith('ravdess_')).length, HAS_FULL_CORPUS ? 24 : 4);
    assert.equal(cases.filter((c) => c.name.startsWith('speech')).length, 10);
    assert.equal(cases.filter((c) => c.name.startsWith('edge_')).length, 4);
    assert.deepEqual([...PAPER_FEATURE_NAMES], cases[0].featureNames);
  });

  for (const c of cases) {
    test(`${c.name}: short-term features frame by frame and clip vector`, () => {
      const samples = samplesByCase.get(c.name)!;
      assertShortTerm(paperShortTermFeatures(samples), c, 'fast');
      assertShortTerm(referenceShortTermFeatures(samples), c, 'reference');
      const vector = getFeatureProfile('paper').clipVector(samples);
      assert.equal(vector.length, 68);
      const { ratio, index } = worstViolation(vector, c.clipVector, tolerance(c).rel, tolerance(c).abs);
      assert.ok(ratio <= 1, `${c.name} clip vector [${index}]: ${vector[index]} vs ${c.clipVector[index]}`);
    });
  }

  fullCorpusOnly('the golden files of the 20 RAVDESS actors not in the fixtures');

  // At 1e20 the loudest frames' squared spectral sums are beyond float32: the records keep those in double precision.
  // (Below 1e-18 or from 1e25 on, the single-precision chroma and blocks underflow or overflow: unchanged since they were made single.)
  test('speech at 1e-15 and 1e20 of full scale (float input): the fast path still equals the reference', () => {
    const speech = samplesByCase.get(cases.find((x) => x.name.startsWith('ravdess_'))!.name)!.subarray(0, 16000);
    for (const gain of [1e-15, 1e20]) {
      const samples = Float32Array.from(speech, (v) => v * gain);
      const fast = paperShortTermFeatures(samples);
      const reference = referenceShortTermFeatures(samples);
      for (let i = 0; i < 34; i++) {
        const { ratio, index } = worstViolation(fast[i], reference[i], 1e-6, 1e-9);
        assert.ok(ratio <= 1, `gain ${gain} ${PAPER_FEATURE_NAMES[i]} frame ${index}: ${fast[i][index]} vs ${reference[i][index]}`);
      }
    }
  });

  test('the comparison can fail: one LSB more in one sample moves the features beyond tolerance', () => {
    const c = cases.find((x) => x.name.startsWith('ravdess_'))!;
    const samples = Float32Array.from(samplesByCase.get(c.name)!);
    samples[samples.length >> 1] += 1 / 32768;
    const vector = paperClipVector(samples);
    assert.ok(worstViolation(vector, c.clipVector, 1e-6, 1e-9).ratio > 1);
  });
});
