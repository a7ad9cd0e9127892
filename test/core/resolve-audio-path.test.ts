import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { audioPathCandidates, resolveAudioPath } from '../../src/core/audio/resolve-audio-path';

describe('resolveAudioPath', () => {
  let root: string;
  let userDir: string;
  let packageDir: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'resolve-audio-path-'));
    userDir = join(root, 'user');
    packageDir = join(root, 'package');
    mkdirSync(join(userDir, 'recordings'), { recursive: true });
    mkdirSync(join(packageDir, 'demo', 'clips'), { recursive: true });
    mkdirSync(join(userDir, 'demo', 'clips'), { recursive: true });
    writeFileSync(join(userDir, 'recordings', 'kitchen.wav'), '');
    writeFileSync(join(packageDir, 'demo', 'clips', 'a.wav'), '');
    writeFileSync(join(packageDir, 'demo', 'clips', 'b.wav'), '');
    writeFileSync(join(userDir, 'demo', 'clips', 'b.wav'), '');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('an absolute path is kept as it is, whether it exists or not', () => {
    const absent = join(root, 'nowhere', 'x.wav');
    assert.equal(resolveAudioPath(absent, [userDir, packageDir]), absent);
  });

  test('a relative path found in the user directory', () => {
    assert.equal(resolveAudioPath('recordings/kitchen.wav', [userDir, packageDir]), join(userDir, 'recordings', 'kitchen.wav'));
  });

  test('a relative path only the package has falls back to the package folder', () => {
    assert.equal(resolveAudioPath('demo/clips/a.wav', [userDir, packageDir]), join(packageDir, 'demo', 'clips', 'a.wav'));
  });

  test('the user directory wins when both have the path', () => {
    assert.equal(resolveAudioPath('demo/clips/b.wav', [userDir, packageDir]), join(userDir, 'demo', 'clips', 'b.wav'));
  });

  test('folders resolve like files', () => {
    assert.equal(resolveAudioPath('recordings', [userDir, packageDir]), join(userDir, 'recordings'));
    assert.equal(resolveAudioPath('./demo/clips/', [join(root, 'empty'), packageDir]), join(packageDir, 'demo', 'clips') + '/');
  });

  test('a relative path found nowhere names every place it was looked for', () => {
    assert.throws(
      () => resolveAudioPath('missing.wav', [userDir, packageDir]),
      (err: Error) =>
        err.message === `cannot find "missing.wav" in "${join(userDir, 'missing.wav')}" or "${join(packageDir, 'missing.wav')}"`,
    );
  });

  test('empty and repeated base folders are skipped; none at all means the working directory', () => {
    assert.deepEqual(audioPathCandidates('x.wav', ['', userDir, ' ', userDir + '/', packageDir]), [
      join(userDir, 'x.wav'),
      join(packageDir, 'x.wav'),
    ]);
    assert.equal(resolveAudioPath('x.wav', ['']), resolve('x.wav'));
  });
});
