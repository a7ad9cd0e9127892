import { signalToErrorDb } from '../../src/core/audio/signal-to-error';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { addWhiteNoise } from '../../src/core/training/audio-perturbations';
import { loadFeatureProfile } from '../../src/core/training/corpus-features';
import { readManifest } from '../../src/core/training/corpus-manifest';
import {
  DEFAULT_NOISE_AUGMENTATION,
  noiseAugmentedFeatures,
  otherSpeakersPool,
  sameFoldPool,
} from '../../src/core/training/noise-augmentation';
import { babbleNoise, mixAtSnr, pinkNoise, whiteNoise } from '../../src/core/training/noise-mixing';
import { SeededRandom } from '../../src/core/training/seeded-random';
import { speakerFolds } from '../../src/core/training/speaker-folds';
import { subtractStationaryNoise } from '../../src/core/features/front-end/spectral-subtraction';
import { PEAK_ONLY_TRIMMING, activeSpeechPower, trimSilence } from '../../src/core/features/front-end/speech-trimming';
import { HAS_FULL_CORPUS, RAVDESS_MANIFEST, goldenWav, speakers } from '../helpers/corpus';

const CLIP = goldenWav('ravdess_03-01-05-01-01-02-03');

/** Power of the band [lowHz, highHz) per Hz, from a plain DFT averaged over blocks. */
function bandPowerDensity(samples: Float32Array, lowHz: number, highHz: number, block = 2048): number {
  let total = 0;
  let bins = 0;
  for (let start = 0; start + block <= samples.length; start += block) {
    for (let k = Math.ceil((lowHz * block) / 16000); k < (highHz * block) / 16000; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < block; n++) {
        const phase = (2 * Math.PI * k * n) / block;
        re += samples[start + n] * Math.cos(phase);
        im -= samples[start + n] * Math.sin(phase);
      }
      total += re * re + im * im;
      bins++;
    }
  }
  return total / bins;
}

describe('speech-only trimming in noise', () => {
  test('a studio clip trims exactly as with the peak-relative rule', async () => {
    const clean = await loadAudioFileAs16kMono(CLIP);
    const trimmed = trimSilence(clean);
    assert.deepEqual(trimmed, trimSilence(clean, PEAK_ONLY_TRIMMING));
    assert.ok(trimmed.length < clean.length * 0.9, 'the clip has silence to cut');
  });

  test('with white noise at 10 dB SNR the noise-floor rule still finds the speech; the peak rule does not', async () => {
    const clean = await loadAudioFileAs16kMono(CLIP);
    const reference = trimSilence(clean).length;
    const noisy = addWhiteNoise(clean, 10, 3);
    const floorRule = trimSilence(noisy).length;
    const peakRule = trimSilence(noisy, PEAK_ONLY_TRIMMING).length;
    assert.ok(
      Math.abs(floorRule - reference) < 0.2 * reference,
      `noise-floor rule kept ${floorRule} samples, clean speech is ${reference}`,
    );
    assert.ok(peakRule > 0.95 * noisy.length, `peak rule kept ${peakRule} of ${noisy.length}: it cannot see the silences`);
  });

  test('silence or a clip shorter than a frame comes back unchanged', () => {
    const silence = new Float32Array(8000);
    assert.equal(trimSilence(silence), silence);
    const short = new Float32Array(100).fill(0.5);
    assert.equal(trimSilence(short), short);
  });
});

describe('noise mixing', () => {
  test('mixAtSnr puts the noise at the asked SNR of the active speech power', async () => {
    const clean = await loadAudioFileAs16kMono(CLIP);
    for (const snr of [5, 20]) {
      const noise = pinkNoise(clean.length, new SeededRandom(snr));
      const mixed = mixAtSnr(clean, noise, snr);
      let noisePower = 0;
      for (let i = 0; i < clean.length; i++) noisePower += (mixed[i] - clean[i]) ** 2;
      noisePower /= clean.length;
      const measured = 10 * Math.log10(activeSpeechPower(clean) / noisePower);
      assert.ok(Math.abs(measured - snr) < 0.1, `asked ${snr} dB, got ${measured.toFixed(2)} dB`);
    }
  });

  test('white noise is flat, pink noise falls 3 dB per octave', () => {
    const white = whiteNoise(32768, new SeededRandom(1));
    const pink = pinkNoise(32768, new SeededRandom(1));
    const slopeDb = (x: Float32Array) => 10 * Math.log10(bandPowerDensity(x, 2000, 4000) / bandPowerDensity(x, 250, 500));
    assert.ok(Math.abs(slopeDb(white)) < 1, `white: ${slopeDb(white).toFixed(2)} dB over 3 octaves`);
    assert.ok(Math.abs(slopeDb(pink) + 9) < 1.5, `pink: ${slopeDb(pink).toFixed(2)} dB over 3 octaves (expected -9)`);
  });

  test('babble is the talkers looped to the length asked, repeatable for a seed', async () => {
    const talkers = [await loadAudioFileAs16kMono(CLIP), await loadAudioFileAs16kMono(goldenWav('ravdess_03-01-04-01-02-01-02'))];
    const a = babbleNoise(100_000, talkers, new SeededRandom(9));
    assert.equal(a.length, 100_000);
    assert.deepEqual(a, babbleNoise(100_000, talkers, new SeededRandom(9)));
    assert.notDeepEqual(a, babbleNoise(100_000, talkers, new SeededRandom(10)));
    assert.ok(
      a.slice(90_000).some((x) => x !== 0),
      'talkers loop past their own length',
    );
  });
});

describe('spectral subtraction', () => {
  const snrDb = signalToErrorDb;

  test('subtracting nothing gives the clip back (the windows overlap-add to one)', async () => {
    const clean = await loadAudioFileAs16kMono(CLIP);
    const same = subtractStationaryNoise(clean, { overSubtraction: 0 });
    assert.equal(same.length, clean.length);
    assert.ok(snrDb(clean, same) > 100);
  });

  test('a studio clip passes nearly untouched; white noise at 10 dB comes out several dB weaker', async () => {
    const clean = await loadAudioFileAs16kMono(CLIP);
    assert.ok(snrDb(clean, subtractStationaryNoise(clean)) > 40);
    const noisy = addWhiteNoise(clean, 10, 5);
    const gain = snrDb(clean, subtractStationaryNoise(noisy)) - snrDb(clean, noisy);
    assert.ok(gain > 3, `SNR improved by ${gain.toFixed(1)} dB`);
  });
});

describe('noise augmentation', () => {
  test('babble for a clip comes only from other speakers of its own fold group', async () => {
    const { entries } = await readManifest(RAVDESS_MANIFEST);
    // 6 folds of 4 actors each on the full corpus; 2 folds of 2 on the 4 actors of the fixtures.
    const k = HAS_FULL_CORPUS ? 6 : 2;
    const folds = speakerFolds(
      entries.map((e) => e.speaker),
      k,
      1,
    );
    const groupOf = new Map<string, number>();
    folds.forEach((idx, f) => idx.forEach((i) => groupOf.set(entries[i].speaker, f)));
    const pool = sameFoldPool(entries, k, 1);
    // Clips 0, 100, 333 and 671 of the full corpus, or the same places in the fixtures.
    for (const i of [0, 100, 333, 671].map((at) => Math.round((at * (entries.length - 1)) / 671))) {
      const talkers = pool(i);
      assert.ok(talkers.length > 0);
      for (const j of talkers) {
        assert.notEqual(entries[j].speaker, entries[i].speaker, "never the clip's own speaker");
        assert.equal(
          groupOf.get(entries[j].speaker),
          groupOf.get(entries[i].speaker),
          'always a speaker who is in test exactly when this clip is',
        );
      }
    }
    assert.ok(otherSpeakersPool(entries)(0).every((j) => entries[j].speaker !== entries[0].speaker));
  });

  test('noisy copies: one vector per clip and copy, a stream per speaker and copy, seeded', async () => {
    const { entries: all } = await readManifest(RAVDESS_MANIFEST);
    const [speakerA, speakerB] = speakers();
    // Two clips of each of two actors: every 14th of their 56 in the full corpus, every 2nd of their 8 in the fixtures.
    const entries = all.filter((e) => e.speaker === speakerA || e.speaker === speakerB).filter((_, i, both) => i % (both.length / 4) === 0);
    const profile = loadFeatureProfile('paper');
    const dir = mkdtempSync(join(tmpdir(), 'noise-aug-'));
    try {
      const options = { pool: otherSpeakersPool(entries), speechOnly: true, cacheDir: join(dir, 'a') };
      const augmentation = { ...DEFAULT_NOISE_AUGMENTATION, copies: 2, kinds: ['white' as const, 'babble' as const] };
      const first = await noiseAugmentedFeatures(entries, profile, augmentation, options);
      assert.equal(first.vectors.length, 2 * entries.length);
      assert.deepEqual(
        first.speakers,
        [...entries, ...entries].map((e) => e.speaker),
      );
      assert.deepEqual(
        new Set(first.streams),
        new Set([`${speakerA}|noise 1`, `${speakerA}|noise 2`, `${speakerB}|noise 1`, `${speakerB}|noise 2`]),
      );
      const again = await noiseAugmentedFeatures(entries, profile, augmentation, { ...options, cacheDir: join(dir, 'b') });
      assert.deepEqual(again.vectors, first.vectors, 'same seed, same noise, same features (computed afresh)');
      const other = await noiseAugmentedFeatures(entries, profile, { ...augmentation, seed: 8 }, options);
      assert.notDeepEqual(other.vectors, first.vectors);
      const clean = (await import('../../src/core/training/corpus-features')).corpusFeatures(entries, profile, options);
      assert.notDeepEqual((await clean).vectors, first.vectors.slice(0, entries.length), 'the copies are not the clean clips');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
