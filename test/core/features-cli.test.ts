import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { worstViolation } from './features-golden-fixtures';
import { goldenCases, originalClips } from '../helpers/corpus';

const root = join(__dirname, '..', '..');
function cli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', `require('./src/cli/main.ts').main(['node', 'speech-emotion'].concat(${JSON.stringify(args)})).catch((e) => { console.error(e.message); process.exit(1); })`], {
    cwd: root,
    encoding: 'utf8',
  });
}

test('speech-emotion features prints one JSON line per file with the toolkit clip vector', () => {
  const cases = goldenCases().filter((c) => c.name.startsWith('ravdess_')).slice(0, 2);
  const stereo48k = originalClips()[0];
  const run = cli(['features', '--frames', ...cases.map((c) => c.wavPath), stereo48k]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
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
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown profile/);
});
