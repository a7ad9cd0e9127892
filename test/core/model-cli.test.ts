import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAS_FULL_CORPUS, GOLDEN_DIR, RAVDESS_MANIFEST, goldenWav } from '../helpers/corpus';
import { runSpeechEmotion as cli, STACK_LINE } from './cli-runner';

/** Rows of the RAVDESS manifest (path,speaker,gender,emotion,...) with absolute paths, chosen by a pattern. */
function ravdessRows(pattern: RegExp): { header: string; rows: string[] } {
  const lines = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
  const corpus = join(RAVDESS_MANIFEST, '..');
  const rows = lines
    .slice(1)
    .filter((l) => pattern.test(l))
    .map((r) => join(corpus, r.split(',')[0]) + r.slice(r.indexOf(',')));
  return { header: lines[0], rows };
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
    assert.equal(result.voiced, true);
    assert.ok(result.timeline.some((w: { voiced: boolean }) => w.voiced));
  });

  test('classify: silence and a too short clip are "no speech", not an emotion; a missing file does not hide the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-classify-'));
    try {
      const silence = join(dir, 'silence.wav');
      execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '2']);
      const short = join(dir, 'short.wav');
      const clip = join(GOLDEN_DIR, 'ravdess_03-01-05-01-01-02-03.wav');
      execFileSync('sox', [clip, short, 'trim', '1', '0.1']);
      const missing = join(dir, 'missing.wav');

      const json = cli(['classify', silence, short, missing, clip, '--json', '--timeline']);
      assert.equal(json.code, 1, 'one file failed');
      assert.equal(json.stderr.trim(), `${missing}: no such file or folder`);
      const out = JSON.parse(json.stdout);
      assert.deepEqual(out.failed, [{ file: missing, error: 'no such file or folder' }]);
      const [quiet, brief, speech] = out.results;
      assert.deepEqual([quiet.file, brief.file, speech.file], [silence, short, clip]);
      assert.equal(quiet.voiced, false);
      assert.equal(quiet.prediction, null);
      assert.match(quiet.noSpeech, /speech in at most 0% of a window's frames/);
      assert.ok(
        quiet.timeline.length > 0 &&
          quiet.timeline.every((w: { voiced: boolean; emotion?: string }) => !w.voiced && w.emotion === undefined),
      );
      assert.equal(brief.voiced, false);
      assert.equal(brief.prediction, null);
      assert.match(brief.noSpeech, /too short: 0\.10 s/);
      assert.equal(speech.voiced, true);
      assert.ok(['anger', 'happiness', 'neutral', 'sadness'].includes(speech.prediction.emotion));
      for (const w of speech.timeline) {
        assert.equal(typeof w.speechRatio, 'number');
        assert.equal(w.emotion !== undefined, w.voiced, 'an emotion exactly for voiced windows');
      }

      const text = cli(['classify', silence, short, clip]);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.trim().split('\n');
      assert.match(lines[0], new RegExp(`^${silence}: no speech \\(`));
      assert.match(lines[1], new RegExp(`^${short}: no speech \\(too short`));
      assert.match(lines[2], new RegExp(`^${clip}: (anger|happiness|neutral|sadness) \\(`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('train on a small manifest, then evaluate and classify with that model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-cli-'));
    try {
      // Clips of every emotion from four actors, with absolute paths: 28 of actors 1-4 in the full
      // corpus, or the 16 clips of the fixture subset.
      const lines = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
      const corpus = join(RAVDESS_MANIFEST, '..');
      const rows = HAS_FULL_CORPUS
        ? lines
            .slice(1)
            .filter((l) => /ravdess_0[1-4],/.test(l) && /-0[12]-01-0[1-4]\.wav/.test(l))
            .filter((_, i) => i % 2 === 0)
        : lines.slice(1);
      const manifest = join(dir, 'clips.csv');
      const absolute = rows.map((r) => join(corpus, r.split(',')[0]) + r.slice(r.indexOf(',')));
      // line rows.length + 2: an emotion the model does not know; line rows.length + 3: a file that is not there
      const unknown = absolute[0].replace(/,(anger|happiness|neutral|sadness),/, ',fear,');
      const missing = `${join(dir, 'gone.wav')},ravdess_01,male,anger`;
      writeFileSync(manifest, [lines[0], ...absolute, unknown, missing].join('\n') + '\n');
      const modelDir = join(dir, 'model');
      const cache = { SPEECH_EMOTION_CACHE: join(dir, 'cache') };
      const trained = cli(
        ['train', '--manifest', manifest, '--out', modelDir, '--epochs', '3', '--patience', '0', '--seed', '5', '--noise-copies', '1'],
        cache,
      );
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stdout, /saved .*model/);
      assert.ok(
        trained.stderr.includes(
          `${manifest}: 2 rows skipped: line ${rows.length + 2} unknown emotion "fear", line ${rows.length + 3} missing file ${join(dir, 'gone.wav')} (${rows.length} rows used)`,
        ),
        trained.stderr,
      );
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
      const cv = cli(
        [
          'evaluate',
          '--manifest',
          manifest,
          '--cv',
          '2',
          '--fold-seeds',
          '2',
          '--models',
          'svm,mt-a-dnn',
          '--epochs',
          '2',
          '--patience',
          '0',
          '--report',
          html,
        ],
        cache,
      );
      assert.equal(cv.code, 0, cv.stderr);
      assert.match(cv.stdout, /2-fold cross-validation by speaker/);
      assert.match(cv.stdout, /svm .*\n.*mt-a-dnn/);
      assert.match(readFileSync(html, 'utf8'), /<svg[\s\S]*<rect/);

      const classified = cli(['classify', goldenWav('ravdess_03-01-04-01-02-01-02'), '--model', modelDir]);
      assert.equal(classified.code, 0, classified.stderr);
      assert.match(classified.stdout, /: (anger|happiness|neutral|sadness) \(/);

      // The same as an ensemble of 2 nets (seeds 5 and 6): one folder, both nets, their mean.
      const ensembleDir = join(dir, 'ensemble');
      const ensemble = cli(
        [
          'train',
          '--manifest',
          manifest,
          '--out',
          ensembleDir,
          '--epochs',
          '3',
          '--patience',
          '0',
          '--seed',
          '5',
          '--noise-copies',
          '1',
          '--ensemble',
          '2',
        ],
        cache,
      );
      assert.equal(ensemble.code, 0, ensemble.stderr);
      assert.match(ensemble.stdout, /saved .*ensemble: ensemble of 2 nets/);
      const ensembleMetadata = JSON.parse(readFileSync(join(ensembleDir, 'metadata.json'), 'utf8'));
      assert.deepEqual(ensembleMetadata.members, ['member-1.json', 'member-2.json']);
      assert.deepEqual(ensembleMetadata.training.memberEpochs, [3, 3]);
      for (const f of ['member-1.weights.bin', 'member-2.weights.bin']) assert.ok(existsSync(join(ensembleDir, f)), f);
      assert.ok(!existsSync(join(ensembleDir, 'model.json')));
      const ensembleEvaluated = cli(['evaluate', '--manifest', manifest, '--model', ensembleDir], cache);
      assert.equal(ensembleEvaluated.code, 0, ensembleEvaluated.stderr);
      assert.match(ensembleEvaluated.stdout, /ensemble of 2 nets, probabilities averaged/);
      const ensembleClassified = cli(['classify', goldenWav('ravdess_03-01-04-01-02-01-02'), '--model', ensembleDir, '--json']);
      assert.equal(ensembleClassified.code, 0, ensembleClassified.stderr);
      const classifiedJson = JSON.parse(ensembleClassified.stdout);
      assert.equal(classifiedJson.nets, 2);
      assert.ok(['anger', 'happiness', 'neutral', 'sadness'].includes(classifiedJson.results[0].prediction.emotion));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input fails with a one-line message and its exit code, never a stack trace', () => {
    const clip = join(GOLDEN_DIR, 'ravdess_03-01-05-01-01-02-03.wav');
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      { args: ['classify', '/nonexistent/clip.wav'], code: 1, message: /^\/nonexistent\/clip\.wav: no such file or folder$/ },
      { args: ['classify', clip, '--model', '/nonexistent'], code: 1, message: /^speech-emotion: --model \/nonexistent: no such folder$/ },
      {
        args: ['classify', clip, '--model', GOLDEN_DIR],
        code: 1,
        message: /^speech-emotion: --model .*: not a model folder \(no metadata\.json/,
      },
      { args: ['classify', clip, '--window', 'x'], code: 2, message: /^speech-emotion: --window must be a number of seconds/ },
      { args: ['classify', clip, '--bogus'], code: 2, message: /^error: unknown option '--bogus'$/ },
      { args: ['evaluate', '--manifest', RAVDESS_MANIFEST], code: 2, message: /give one of --model DIR, --cv K or --leave-one-corpus-out/ },
      {
        args: ['evaluate', '--manifest', RAVDESS_MANIFEST, '--model', '/nonexistent'],
        code: 1,
        message: /--model \/nonexistent: no such folder/,
      },
      {
        args: ['evaluate', '--manifest', '/nonexistent.csv', '--cv', '2'],
        code: 1,
        message: /^speech-emotion: --manifest \/nonexistent\.csv: no such file$/,
      },
      {
        args: ['train', '--manifest', RAVDESS_MANIFEST, '--out', join(tmpdir(), 'never'), '--noise-snr', '30,5'],
        code: 2,
        message: /--noise-snr/,
      },
      {
        args: ['train', '--manifest', RAVDESS_MANIFEST, '--out', join(tmpdir(), 'never'), '--ensemble', '0'],
        code: 2,
        message: /^speech-emotion: --ensemble 0: give a whole number of nets, at least 1$/,
      },
      {
        args: ['train', '--manifest', RAVDESS_MANIFEST, '--out', join(tmpdir(), 'never'), '--ensemble', '3', '--preset', 'paper'],
        code: 2,
        message: /--ensemble 3: the nets share one standardisation, which early stopping \(--patience 20\) fits per seed: add --patience 0/,
      },
    ];
    for (const c of cases) {
      const run = cli(c.args);
      assert.equal(run.code, c.code, `${c.args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr.trim(), c.message, c.args.join(' '));
      assert.doesNotMatch(run.stderr, STACK_LINE, c.args.join(' '));
    }
  });

  test('manifests that cannot be trained or cross-validated on are explained', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-manifests-'));
    try {
      const write = (name: string, header: string, rows: string[]) => {
        const file = join(dir, name);
        writeFileSync(file, [header, ...rows].join('\n') + '\n');
        return file;
      };
      const oneSpeaker = ravdessRows(/ravdess_02,/);
      const twoSpeakers = ravdessRows(/ravdess_0[23],/);
      const oneEmotion = ravdessRows(/,neutral,/);
      const cases: { args: string[]; code: number; message: RegExp }[] = [
        {
          args: ['train', '--manifest', write('one-speaker.csv', oneSpeaker.header, oneSpeaker.rows), '--preset', 'paper'],
          code: 1,
          message: /one-speaker\.csv: all clips are of one speaker \(ravdess_02\), but early stopping \(--patience 20\).*--patience 0/,
        },
        {
          args: ['train', '--manifest', write('neutral.csv', oneEmotion.header, oneEmotion.rows)],
          code: 1,
          message: /neutral\.csv: all \d+ usable rows are neutral: .* at least 2/,
        },
        {
          args: ['train', '--manifest', write('empty.csv', 'path,emotion,speaker', [])],
          code: 1,
          message: /empty\.csv: no rows after its header/,
        },
        {
          args: ['train', '--manifest', write('unknown.csv', 'path,emotion', ['a.wav,fear', 'b.wav,anger'])],
          code: 1,
          message: /unknown\.csv: no usable row \(2 rows skipped: line 2 unknown emotion "fear", line 3 missing file b\.wav\)/,
        },
        {
          args: ['evaluate', '--manifest', write('two-speakers.csv', twoSpeakers.header, twoSpeakers.rows), '--cv', '3'],
          code: 2,
          message: /--cv 3: cross-validation by speaker needs at least 3 speakers, .*two-speakers\.csv has 2/,
        },
        {
          args: ['evaluate', '--manifest', join(dir, 'two-speakers.csv'), '--cv', '2'],
          code: 1,
          message: /2 speakers in 2 folds leave 2 fold\(s\) with one speaker.*use --noise-copies 0, fewer folds, or at least 4 speakers/,
        },
      ];
      for (const c of cases) {
        const args = c.args[0] === 'train' ? [...c.args, '--out', join(dir, 'never')] : c.args;
        const run = cli(args, { SPEECH_EMOTION_CACHE: join(dir, 'cache') });
        assert.equal(run.code, c.code, `${c.args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, c.message, c.args.join(' '));
        assert.doesNotMatch(run.stderr, STACK_LINE, c.args.join(' '));
      }
      assert.ok(!existsSync(join(dir, 'never')), 'nothing was trained');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
