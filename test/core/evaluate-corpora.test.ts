// `speech-emotion evaluate` over several corpora: how manifests become corpora, leave-one-corpus-out and
// fold seeds on the real RAVDESS clips (two "corpora" of two actors each), and the usage errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RAVDESS_MANIFEST } from '../helpers/corpus';
import { readCorpora } from '../../src/cli/manifest-input';
import { runSpeechEmotion as cli, STACK_LINE } from './cli-runner';

/** RAVDESS rows (absolute paths) of the given actors, one clip of each emotion, as path,emotion,speaker[,corpus]. */
function rows(actors: string[], perActor: number, corpus?: string): string[] {
  const lines = readFileSync(RAVDESS_MANIFEST, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const at = (name: string) => header.indexOf(name);
  const dir = join(RAVDESS_MANIFEST, '..');
  const out: string[] = [];
  for (const actor of actors) {
    const mine = lines
      .slice(1)
      .map((l) => l.split(','))
      .filter((cells) => cells[at('speaker')] === actor)
      .filter((cells, i, all) => all.findIndex((c) => c[at('emotion')] === cells[at('emotion')]) === i)
      .slice(0, perActor);
    for (const cells of mine) {
      // the speaker id without the corpus's own prefix, so two corpora can share it
      const speaker = cells[at('speaker')].replace('ravdess_', 'spk');
      out.push([join(dir, cells[at('path')]), cells[at('emotion')], speaker, ...(corpus ? [corpus] : [])].join(','));
    }
  }
  return out;
}

describe('speech-emotion evaluate over several corpora', () => {
  const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-corpora-'));
  const write = (name: string, header: string, body: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, [header, ...body].join('\n') + '\n');
    return file;
  };
  // The fixture subset has actors 02, 03, 05 and 10 (4 clips each, one per emotion).
  const first = write('first.csv', 'path,emotion,speaker', rows(['ravdess_02', 'ravdess_03'], 4));
  const second = write('second.csv', 'path,emotion,speaker', rows(['ravdess_10', 'ravdess_05'], 4));
  const mixed = write('mixed.csv', 'path,emotion,speaker,corpus', [
    ...rows(['ravdess_02', 'ravdess_03'], 4, 'east'),
    ...rows(['ravdess_10', 'ravdess_05'], 4, 'west'),
  ]);
  const cache = { SPEECH_EMOTION_CACHE: join(dir, 'cache') };
  const quick = ['--epochs', '2', '--patience', '0', '--noise-copies', '0'];

  test('manifests become corpora by NAME=, by corpus column or by file name; speaker ids are qualified by corpus', async () => {
    const byName = await readCorpora([`a=${first}`, `b=${second}`]);
    assert.deepEqual(
      byName.map((c) => [c.name, c.entries.length]),
      [
        ['a', 8],
        ['b', 8],
      ],
    );
    assert.deepEqual([...new Set(byName[0].entries.map((e) => e.speaker))], ['a/spk02', 'a/spk03']);
    const byColumn = await readCorpora([mixed]);
    assert.deepEqual(
      byColumn.map((c) => [c.name, [...new Set(c.entries.map((e) => e.speaker))]]),
      [
        ['east', ['east/spk02', 'east/spk03']],
        ['west', ['west/spk10', 'west/spk05']],
      ],
    );
    const byFile = await readCorpora([first, second]);
    assert.deepEqual(
      byFile.map((c) => c.name),
      ['first', 'second'],
    );
    const one = await readCorpora([first]);
    assert.equal(one[0].entries[0].speaker, 'spk02', 'a single corpus keeps its speaker ids');
  });

  test('the same speaker id in two corpora stays two speakers', async () => {
    const clash = write('clash.csv', 'path,emotion,speaker,corpus', [
      ...rows(['ravdess_02'], 4, 'east').map((r) => r.replace(',spk02,', ',spk,')),
      ...rows(['ravdess_10'], 4, 'west').map((r) => r.replace(',spk10,', ',spk,')),
    ]);
    const corpora = await readCorpora([clash]);
    const speakers = new Set(corpora.flatMap((c) => c.entries.map((e) => e.speaker)));
    assert.deepEqual([...speakers].sort(), ['east/spk', 'west/spk']);
  });

  test('--leave-one-corpus-out trains on one corpus, tests on the other, both ways of normalising', () => {
    const run = cli(
      ['evaluate', '--manifest', `a=${first}`, '--manifest', `b=${second}`, '--leave-one-corpus-out', '--json', ...quick],
      cache,
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.leaveOneCorpusOut.map((t: { trainedOn: string[]; testedOn: string }) => [t.trainedOn, t.testedOn]),
      [
        [['b'], 'a'],
        [['a'], 'b'],
      ],
    );
    for (const t of out.leaveOneCorpusOut) {
      assert.equal(t.perSpeaker.count, 8);
      assert.equal(t.perCorpus.count, 8);
      assert.equal(t.trainingExamples, 8);
    }
    const text = cli(['evaluate', '--manifest', mixed, '--leave-one-corpus-out', ...quick], cache);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /leave one corpus out: UAR % with one stream per speaker \/ one stream for the whole corpus/);
    assert.match(text.stdout, /\neast\s+west\s+\d+\.\d\s+\d+\.\d\n/);
    assert.match(text.stdout, /\nmean\s+\d+\.\d\s+\d+\.\d\n/);
  });

  test('--leave-one-corpus-out --models: every model trained on the same corpora and tested on the same held-out streams', () => {
    const run = cli(
      [
        'evaluate',
        '--manifest',
        `a=${first}`,
        '--manifest',
        `b=${second}`,
        '--leave-one-corpus-out',
        '--models',
        'svm,mt-a-dnn',
        '--json',
        ...quick,
      ],
      cache,
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.leaveOneCorpusOut, undefined);
    assert.deepEqual(
      out.leaveOneCorpusOutKinds.map((t: { classifier: string; trainedOn: string[]; testedOn: string }) => [
        t.classifier,
        t.trainedOn,
        t.testedOn,
      ]),
      [
        ['svm', ['b'], 'a'],
        ['mt-a-dnn', ['b'], 'a'],
        ['svm', ['a'], 'b'],
        ['mt-a-dnn', ['a'], 'b'],
      ],
    );
    for (const t of out.leaveOneCorpusOutKinds) {
      assert.equal(t.perSpeaker.count, 8);
      assert.equal(t.perCorpus.count, 8);
    }
    // MT-A-DNN through the Table 2 path equals the plain leave-one-corpus-out run (same vectors, seed and normaliser)
    const plain = JSON.parse(
      cli(['evaluate', '--manifest', `a=${first}`, '--manifest', `b=${second}`, '--leave-one-corpus-out', '--json', ...quick], cache)
        .stdout,
    );
    for (const name of ['a', 'b']) {
      const viaKinds = out.leaveOneCorpusOutKinds.find(
        (t: { classifier: string; testedOn: string }) => t.classifier === 'mt-a-dnn' && t.testedOn === name,
      );
      const viaPlain = plain.leaveOneCorpusOut.find((t: { testedOn: string }) => t.testedOn === name);
      assert.deepEqual(viaKinds.perSpeaker.confusion, viaPlain.perSpeaker.confusion, `${name} held out`);
    }
    const text = cli(['evaluate', '--manifest', mixed, '--leave-one-corpus-out', '--models', 'svm', ...quick], cache);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /leave one corpus out, every model on the same sets/);
    assert.match(text.stdout, /\nsvm\s+\d+\.\d \/ \d+\.\d\s+\d+\.\d \/ \d+\.\d\s+\d+\.\d \/ \d+\.\d\n/);
  });

  test('--cv within each corpus, repeated over fold seeds: mean ± std', () => {
    const run = cli(['evaluate', '--manifest', mixed, '--cv', '2', '--fold-seeds', '3', '--models', 'svm', '--json', ...quick], cache);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(
      out.foldSeeds.map((r: { corpus: string; seeds: number[]; uar: { values: number[] } }) => [r.corpus, r.seeds, r.uar.values.length]),
      [
        ['east', [1, 2, 3], 3],
        ['west', [1, 2, 3], 3],
      ],
    );
    for (const r of out.foldSeeds) {
      const mean = r.uar.values.reduce((a: number, b: number) => a + b, 0) / 3;
      assert.ok(Math.abs(r.uar.mean - mean) < 1e-12);
      assert.equal(r.pooled.count, 3 * 8, 'every clip once per fold seed');
    }
    assert.deepEqual(
      out.results.map((r: { name: string }) => r.name),
      ['svm on east', 'svm on west'],
    );
  });

  test('wrong usage and unusable manifests are one-line errors', () => {
    const cases: { args: string[]; code: number; message: RegExp }[] = [
      {
        args: ['evaluate', '--manifest', first, '--leave-one-corpus-out'],
        code: 2,
        message: /--leave-one-corpus-out needs at least two corpora \(found first\)/,
      },
      {
        args: ['evaluate', '--manifest', first, '--manifest', join(dir, 'sub', 'first.csv'), '--cv', '2'],
        code: 1,
        message: /--manifest .*sub\/first\.csv: no such file/,
      },
      {
        args: ['evaluate', '--manifest', first, '--cv', '2', '--model', dir],
        code: 2,
        message: /give one of --model DIR, --cv K or --leave-one-corpus-out/,
      },
      {
        args: ['evaluate', '--manifest', first, '--cv', '2', '--fold-seeds', '0'],
        code: 2,
        message: /--fold-seeds must be a whole number >= 1/,
      },
      {
        args: ['evaluate', '--manifest', `a=${first}`, '--manifest', `b=${second}`, '--leave-one-corpus-out', '--robustness'],
        code: 2,
        message: /no --robustness, --augment/,
      },
    ];
    for (const c of cases) {
      const run = cli(c.args, cache);
      assert.equal(run.code, c.code, `${c.args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, c.message, c.args.join(' '));
      assert.doesNotMatch(run.stderr, STACK_LINE, c.args.join(' '));
    }
  });

  test('two manifests of the same file name need names', () => {
    const other = join(dir, 'copy');
    mkdirSync(other, { recursive: true });
    const again = join(other, 'first.csv');
    writeFileSync(again, readFileSync(second));
    const run = cli(['evaluate', '--manifest', first, '--manifest', again, '--leave-one-corpus-out', ...quick], cache);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /are both called "first": name them \(--manifest NAME=PATH\) or give them a corpus column/);
  });

  test.after(() => rmSync(dir, { recursive: true, force: true }));
});
