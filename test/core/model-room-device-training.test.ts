import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTwoActorManifest } from '../helpers/corpus';
import { STACK_LINE, runSpeechEmotion } from './cli-runner';

describe('training with room and device copies', () => {
  test('speech-emotion train --room-copies trains on the clean clips and their room copies and records it; a wrong value is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'room-copies-cli-'));
    try {
      // One clip of each emotion from each of two actors.
      const { manifest, rows } = writeTwoActorManifest(dir);
      assert.equal(rows.length, 8);
      const env = { SPEECH_EMOTION_CACHE: join(dir, 'cache') };
      const out = join(dir, 'model');
      const trained = runSpeechEmotion(
        ['train', '--manifest', manifest, '--out', out, '--epochs', '2', '--noise-copies', '0', '--room-copies', '2'],
        env,
      );
      assert.equal(trained.code, 0, trained.stderr);
      const metadata = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
      assert.deepEqual(metadata.training.options.roomDevice, { copies: 2, seed: 11 });
      assert.equal(metadata.training.options.noiseAugmentation, undefined);
      assert.equal(metadata.training.examples, 3 * rows.length, 'each clip clean and in two rooms');

      const evaluated = runSpeechEmotion(['evaluate', '--manifest', manifest, '--model', out, '--json'], env);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      assert.equal(JSON.parse(evaluated.stdout).results[0].metrics.count, rows.length);

      for (const wrong of ['1.5', '-1', 'two']) {
        const refused = runSpeechEmotion(['train', '--manifest', manifest, '--out', join(dir, 'never'), '--room-copies', wrong], env);
        assert.equal(refused.code, 2, `--room-copies ${wrong} is a usage error: ${refused.stderr}`);
        assert.match(refused.stderr.trim(), /^speech-emotion: --room-copies (is a whole number >= 0|must be a number)/, wrong);
        assert.doesNotMatch(refused.stderr, STACK_LINE);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
