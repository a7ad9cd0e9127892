import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../src/core/model/corpus-manifest';
import { HAS_FULL_CORPUS, RAVDESS_MANIFEST, goldenWav } from '../helpers/corpus';

const root = join(__dirname, '..', '..');
const RUN_CLI = "require('./src/cli/main').main(['node', 'speech-emotion', ...process.argv.slice(1)]).catch((e) => { console.error('speech-emotion: ' + e.message); process.exit(1); })";

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', RUN_CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('speech-emotion CLI (model commands)', () => {
  test('classify a real RAVDESS clip with the shipped model, whole file and timeline', () => {
    const clip = goldenWav('ravdess_03-01-05-01-01-02-03');
    const { code, stdout, stderr } = cli(['classify', clip, '--json', '--timeline', '--window', '2', '--hop', '1']);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    const [result] = out.results;
    assert.equal(result.file, clip);
    assert.ok(['anger', 'happiness', 'neutral', 'sadness'].includes(result.prediction.emotion));
    assert.ok(result.timeline.length >= 2);
    assert.equal(result.timeline[0].start, 0);
    assert.equal(result.timeline[0].end, 2);
    assert.ok(['wasm', 'cpu', 'tensorflow'].includes(out.backend));
  });

  test('train on a small manifest, then evaluate and classify with that model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-cli-'));
    try {
      // Clips of every emotion from four actors, with absolute paths: 28 of actors 1-4 in the full
      // corpus, or the 16 clips of the fixture subset.
      const lines = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
      const corpus = join(RAVDESS_MANIFEST, '..');
      const rows = HAS_FULL_CORPUS
        ? lines.slice(1).filter((l) => /ravdess_0[1-4],/.test(l) && /-0[12]-01-0[1-4]\.wav/.test(l)).filter((_, i) => i % 2 === 0)
        : lines.slice(1);
      const manifest = join(dir, 'clips.csv');
      writeFileSync(manifest, lines[0] + '\n' + rows.map((r) => join(corpus, r.split(',')[0]) + r.slice(r.indexOf(','))).join('\n') + '\n');
      const modelDir = join(dir, 'model');
      const cache = { SPEECH_EMOTION_CACHE: join(dir, 'cache') };
      const trained = cli(['train', '--manifest', manifest, '--out', modelDir, '--epochs', '3', '--patience', '0', '--seed', '5', '--noise-copies', '1'], cache);
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stdout, /saved .*model/);
      for (const f of ['model.json', 'weights.bin', 'metadata.json']) assert.ok(existsSync(join(modelDir, f)), f);
      const metadata = JSON.parse(readFileSync(join(modelDir, 'metadata.json'), 'utf8'));
      assert.equal(metadata.vectorLength, 68);
      assert.equal(metadata.training.epochs, 3);
      assert.equal(metadata.training.options.noiseAugmentation.copies, 1);
      assert.equal(metadata.training.examples, 2 * rows.length, 'each clip once clean, once noisy');

      const evaluated = cli(['evaluate', '--manifest', manifest, '--model', modelDir, '--json'], cache);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      const report = JSON.parse(evaluated.stdout);
      assert.equal(report.results[0].metrics.count, rows.length);
      assert.equal(report.results[0].metrics.confusionPercent.length, 4);

      const html = join(dir, 'report.html');
      const cv = cli(['evaluate', '--manifest', manifest, '--cv', '2', '--models', 'svm,mt-a-dnn', '--epochs', '2', '--patience', '0', '--report', html], cache);
      assert.equal(cv.code, 0, cv.stderr);
      assert.match(cv.stdout, /2-fold cross-validation by speaker/);
      assert.match(cv.stdout, /svm .*\n.*mt-a-dnn/);
      assert.match(readFileSync(html, 'utf8'), /<svg[\s\S]*<rect/);

      const classified = cli(['classify', goldenWav('ravdess_03-01-04-01-02-01-02'), '--model', modelDir]);
      assert.equal(classified.code, 0, classified.stderr);
      assert.match(classified.stdout, /: (anger|happiness|neutral|sadness) \(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input fails with a message and a non-zero exit code', () => {
    const missing = cli(['classify', '/nonexistent/clip.wav']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /nonexistent/);
    const both = cli(['evaluate', '--manifest', RAVDESS_MANIFEST]);
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /--model DIR or --cv K/);
    const badNoise = cli(['train', '--manifest', RAVDESS_MANIFEST, '--out', join(tmpdir(), 'never'), '--noise-snr', '30,5']);
    assert.notEqual(badNoise.code, 0);
    assert.match(badNoise.stderr, /--noise-snr/);
  });
});

void readManifest;
