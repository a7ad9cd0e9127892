import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { YinPitchTracker } from '../../src/core/features/yin-pitch';
import { corpusFeatures, loadFeatureProfile } from '../../src/core/training/corpus-features';
import { readManifest } from '../../src/core/training/corpus-manifest';
import { checkSpeedFactors, speedPerturb, speedPerturbedFeatures } from '../../src/core/training/speed-perturbation';
import { RAVDESS_MANIFEST, goldenWav, writeTwoActorManifest } from '../helpers/corpus';
import { STACK_LINE, runSpeechEmotion } from './cli-runner';

const RATE = 16000;
const tracker = new YinPitchTracker({ sampleRate: RATE, minF0: 50, maxF0: 500, threshold: 0.15 });

/** Median F0 of the voiced 25 ms-hop frames (0 = unvoiced frames left out). */
function medianPitch(samples: Float32Array): number {
  const f0s: number[] = [];
  for (let start = 0; start + tracker.frameLength <= samples.length; start += 400) {
    const f0 = tracker.estimate(samples, start);
    if (f0 > 0) f0s.push(f0);
  }
  assert.ok(f0s.length > 10, `only ${f0s.length} voiced frames`);
  f0s.sort((a, b) => a - b);
  return f0s[Math.floor(f0s.length / 2)];
}

const tone = (hz: number, seconds: number) =>
  Float32Array.from({ length: seconds * RATE }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE));

describe('speed perturbation', () => {
  test('a 200 Hz tone played 1.1 times as fast is at 220 Hz and lasts 1/1.1 as long; at 0.9, 180 Hz', () => {
    const original = tone(200, 2);
    assert.ok(Math.abs(medianPitch(original) - 200) < 1);
    for (const factor of [1.1, 0.9]) {
      const perturbed = speedPerturb(original, factor);
      const pitch = medianPitch(perturbed);
      assert.ok(Math.abs(pitch - 200 * factor) < 1, `factor ${factor}: ${pitch.toFixed(1)} Hz`);
      assert.ok(Math.abs(perturbed.length - original.length / factor) <= 2, `factor ${factor}: ${perturbed.length} samples`);
    }
  });

  test("a real voice's median pitch moves by the factor", async () => {
    const clip = await loadAudioFileAs16kMono(goldenWav('ravdess_03-01-05-01-01-02-03'));
    const before = medianPitch(clip);
    for (const factor of [0.9, 1.1]) {
      const after = medianPitch(speedPerturb(clip, factor));
      const ratio = after / before;
      assert.ok(Math.abs(ratio - factor) < 0.03, `factor ${factor}: median F0 ${before.toFixed(1)} -> ${after.toFixed(1)} Hz`);
    }
  });

  test('factors must be other than 1, within [0.5, 2], each once', () => {
    assert.throws(() => checkSpeedFactors([]));
    assert.throws(() => checkSpeedFactors([1]));
    assert.throws(() => checkSpeedFactors([0.4]));
    assert.throws(() => checkSpeedFactors([0.9, 0.9]));
    assert.throws(() => checkSpeedFactors([Number.NaN]));
    checkSpeedFactors([0.9, 1.1]);
  });

  test('perturbed features keep speakers and labels, form streams per copy or per speaker, and repeat from the cache', async () => {
    const entries = (await readManifest(RAVDESS_MANIFEST)).entries.slice(0, 2);
    const profile = loadFeatureProfile('paper');
    const cacheDir = mkdtempSync(join(tmpdir(), 'speed-perturbation-'));
    try {
      const clean = await corpusFeatures(entries, profile, { speechOnly: true, cacheDir });
      const options = { speechOnly: true, cacheDir };
      const copies = await speedPerturbedFeatures(entries, profile, { factors: [0.9, 1.1], streams: 'copy' }, options);
      assert.equal(copies.vectors.length, 4);
      assert.deepEqual(copies.speakers, [...clean.speakers, ...clean.speakers]);
      assert.deepEqual(copies.labels, [...clean.labels, ...clean.labels]);
      assert.deepEqual(copies.streams, [...clean.speakers.map((s) => `${s}|speed 0.9`), ...clean.speakers.map((s) => `${s}|speed 1.1`)]);
      for (let i = 0; i < 2; i++) {
        assert.notDeepEqual(Array.from(copies.vectors[i]), Array.from(clean.vectors[i]));
        assert.notDeepEqual(Array.from(copies.vectors[i]), Array.from(copies.vectors[i + 2]));
      }
      const again = await speedPerturbedFeatures(entries, profile, { factors: [0.9, 1.1], streams: 'speaker' }, options);
      assert.deepEqual(
        again.vectors.map((v) => Array.from(v)),
        copies.vectors.map((v) => Array.from(v)),
      );
      assert.deepEqual(again.streams, again.speakers);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test('speech-emotion train --speed-factors trains on a copy of every clip per factor and records it; a factor of 1 is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speed-perturbation-cli-'));
    try {
      // One clip of each emotion from each of two actors.
      const { manifest, rows } = writeTwoActorManifest(dir);
      assert.equal(rows.length, 8);
      const env = { SPEECH_EMOTION_CACHE: join(dir, 'cache') };
      const out = join(dir, 'model');
      const args = [
        'train',
        '--manifest',
        manifest,
        '--out',
        out,
        '--epochs',
        '2',
        '--noise-copies',
        '0',
        '--speed-factors',
        '0.9,1.1',
        '--speed-streams',
        'speaker',
      ];
      const trained = runSpeechEmotion(args, env);
      assert.equal(trained.code, 0, trained.stderr);
      const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
      assert.deepEqual(metadata.training.options.speedPerturbation, { factors: [0.9, 1.1], streams: 'speaker' });
      assert.equal(metadata.training.examples, 3 * rows.length, 'each clip at speeds 1, 0.9 and 1.1');
      const refused = runSpeechEmotion(['train', '--manifest', manifest, '--out', join(dir, 'never'), '--speed-factors', '1'], env);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /speed factor .* other than 1/);
      assert.doesNotMatch(refused.stderr, STACK_LINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
