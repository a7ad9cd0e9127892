import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { worstViolation } from './features-golden-fixtures';
import { GOLDEN_DIR, goldenCases, originalClips } from '../helpers/corpus';
import { runSpeechEmotion, STACK_LINE } from './cli-runner';

function cli(args: string[]) {
  const { code, stdout, stderr } = runSpeechEmotion(args);
  return { status: code, stdout, stderr };
}

test('speech-emotion features prints one JSON line per file with the toolkit clip vector', () => {
  const cases = goldenCases()
    .filter((c) => c.name.startsWith('ravdess_'))
    .slice(0, 2);
  const stereo48k = originalClips()[0];
  const run = cli(['features', '--frames', ...cases.map((c) => c.wavPath), stereo48k]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  for (const [i, c] of cases.entries()) {
    const line = lines[i];
    assert.equal(line.file, c.wavPath);
    assert.equal(line.sampleRate, 16000);
    assert.equal(line.numFrames, c.numFrames);
    assert.deepEqual(line.featureNames, c.featureNames);
    assert.ok(worstViolation(line.clipVector, c.clipVector, 1e-6, 1e-9).ratio <= 1);
    assert.equal(line.shortTermFeatures.length, 34);
    assert.ok(worstViolation(line.shortTermFeatures[5], c.shortTerm[5], 1e-6, 1e-9).ratio <= 1);
  }
  // a 48 kHz stereo original is resampled to 16 kHz first: about 100 frames a second
  assert.equal(lines[2].clipVector.length, 68);
  assert.ok(lines[2].clipVector.every(Number.isFinite));
  assert.ok(Math.abs(lines[2].numFrames - lines[0].numFrames) < 200);
});

test('features --profile extended gives 81 numbers; a missing file fails with exit 1 and a message', () => {
  const [c] = goldenCases().filter((x) => x.name.startsWith('speech'));
  const run = cli(['features', '--profile', 'extended', c.wavPath, '/nonexistent/file.wav']);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /nonexistent\/file\.wav: /);
  const line = JSON.parse(run.stdout.trim());
  assert.equal(line.profile, 'extended');
  assert.equal(line.clipVector.length, 81);
  const bad = cli(['features', '--profile', 'nope', c.wavPath]);
  assert.equal(bad.status, 2, 'wrong usage');
  assert.match(bad.stderr, /unknown profile/);
  assert.doesNotMatch(bad.stderr, STACK_LINE);
});

test('features reads a folder as the audio-source node does, and names every file it cannot use with the others still printed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-features-'));
  try {
    const clip = join(GOLDEN_DIR, 'ravdess_03-01-05-01-01-02-03.wav');
    const folder = join(dir, 'clips');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    copyFileSync(clip, join(folder, 'b.wav'));
    copyFileSync(clip, join(folder, 'A.WAV'));
    copyFileSync(clip, join(folder, 'sub', 'c.wav'));
    writeFileSync(join(folder, 'notes.txt'), 'not audio');
    // FLAC by sox, named .wav: recognised by its content, not its name
    const flac = join(dir, 'renamed.wav');
    execFileSync('sox', [clip, '-t', 'flac', flac]);
    const mp3 = join(dir, 'song.mp3');
    writeFileSync(mp3, Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(64)]));
    const empty = join(dir, 'empty');
    mkdirSync(empty);

    const run = cli(['features', flac, folder, join(dir, 'missing.wav'), mp3, empty]);
    assert.equal(run.status, 1, 'some inputs failed');
    const files = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).file);
    assert.deepEqual(files, [join(folder, 'A.WAV'), join(folder, 'b.wav')], "the folder's own .wav files in name order, not its subfolder");
    const errors = run.stderr.trim().split('\n');
    assert.equal(errors.length, 4, run.stderr);
    assert.match(
      errors[0],
      new RegExp(`^${flac}: not a WAV file \\(FLAC\\): convert it with: sox renamed.wav -r 16000 -c 1 renamed-converted.wav`),
    );
    assert.equal(errors[1], `${join(dir, 'missing.wav')}: no such file or folder`);
    assert.match(
      errors[2],
      new RegExp(`^${mp3}: not a WAV file \\(MP3\\): convert it with: sox song.mp3 -r 16000 -c 1 song.wav \\(or: ffmpeg`),
    );
    assert.equal(errors[3], `${empty}: folder with no .wav files in it`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help explains folders, failures and exit codes', () => {
  const help = cli(['features', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /A folder stands for its \.wav files/);
  assert.match(help.stdout, /Exit codes:[\s\S]*1 +an input could not be used[\s\S]*2 +wrong usage/);
  const unknown = cli(['features', '--no-such-flag', 'x.wav']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
});
