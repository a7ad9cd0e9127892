import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAudioSourceConfig } from '../../src/core/config/audio-source-config';
import { resolveEmotionRouterConfig } from '../../src/core/config/emotion-router-config';
import { resolveFeatureWindowConfig } from '../../src/core/config/feature-window-config';
import { resolveMtADnnInferConfig } from '../../src/core/config/mt-a-dnn-infer-config';
import type { ConfigResult } from '../../src/core/config/config-result';

const RESOLVERS: Record<string, (fields: Record<string, unknown>) => ConfigResult<unknown>> = {
  'audio-source': (fields) => resolveAudioSourceConfig({ id: 'n1', ...fields }, () => undefined),
  'feature-window': (fields) => resolveFeatureWindowConfig(fields),
  'mt-a-dnn-infer': (fields) => resolveMtADnnInferConfig(fields),
  'emotion-router': (fields) => resolveEmotionRouterConfig(fields),
};

function problemsOf(result: ConfigResult<unknown>): string[] {
  return result.ok ? [] : result.problems;
}

describe('node configuration: one rule for every node', () => {
  for (const [type, resolve] of Object.entries(RESOLVERS)) {
    test(`${type}: the editor's defaults resolve; maxStreams must be a whole number from 1 to 100000`, () => {
      assert.equal(resolve({}).ok, true);
      const ok = resolve({ maxStreams: '20' });
      assert.ok(ok.ok && (ok.config as { maxStreams?: number; limits?: { maxStreams: number } }) !== undefined);
      for (const bad of ['2.5', 0, '-3', 'many', 100_001]) {
        assert.match(problemsOf(resolve({ maxStreams: bad })).join(), /max\. streams|maxStreams/i, `maxStreams ${bad}`);
      }
    });
  }

  test('every problem is reported at once, each naming its field', () => {
    const problems = problemsOf(
      resolveMtADnnInferConfig({ maxBatch: '0', maxQueued: '0', maxStreams: '2.5', idleTimeout: 'soon', unvoiced: 'keep' }),
    );
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /max\. batch[\s\S]*max\. queued windows[\s\S]*max\. streams/);
    assert.match(problems.join('\n'), /idle timeout \(s\) must be a number, got "soon"/);
    assert.match(problems.join('\n'), /unvoiced windows must be one of drop, pass, infer/);
  });

  test('numbers as the editor stores them (strings) and as flows written by hand (numbers) resolve alike', () => {
    assert.deepEqual(resolveMtADnnInferConfig({ maxBatch: '8', maxWait: '5', maxQueued: '50', maxStreams: '10', idleTimeout: '2' }), {
      ok: true,
      config: {
        unvoiced: 'drop',
        attention: false,
        maxBatch: 8,
        maxWaitMs: 5,
        maxQueued: 50,
        maxStreams: 10,
        idleMs: 2000,
        output: 'prediction',
        resendAfterMs: 0,
        maxUnanswered: 10_000,
      },
    });
    assert.deepEqual(
      resolveMtADnnInferConfig({ maxBatch: 8, maxWait: 5, maxQueued: 50, maxStreams: 10, idleTimeout: 2 }),
      resolveMtADnnInferConfig({ maxBatch: '8', maxWait: '5', maxQueued: '50', maxStreams: '10', idleTimeout: '2' }),
    );
    assert.equal((resolveMtADnnInferConfig({}) as { config: { maxQueued: number } }).config.maxQueued, 2000);
  });

  test('audio-source: a recorder or raw format the decoder refuses is refused at deploy', () => {
    assert.match(
      problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'microphone', recorder: 'sox', captureRate: 4000 })).join(),
      /record at: sample rate 4000/,
    );
    assert.match(
      problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'microphone', recorder: 'arecord', captureRate: '44100.5' })).join(),
      /record at: sample rate/,
    );
    assert.match(
      problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'microphone', recorder: 'custom', command: 'parec', pcmBits: 12 })).join(),
      /raw format: unsupported PCM encoding signed-integer at 12 bits/,
    );
    assert.match(problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'flow', pcmChannels: 9 })).join(), /raw format: channel count 9/);
    // A microphone setting that is not used in flow mode is not checked there.
    assert.equal(resolveAudioSourceConfig({ id: 'n', mode: 'flow', recorder: 'sox', captureRate: 4000 }).ok, true);
    assert.equal(resolveAudioSourceConfig({ id: 'n', mode: 'microphone', recorder: 'sox', captureRate: 48000 }).ok, true);
  });

  test('audio-source: the maximum message size is a whole number of KB, 4 MB by default', () => {
    const byDefault = resolveAudioSourceConfig({ id: 'n' });
    assert.ok(byDefault.ok && byDefault.config.maxMessageBytes === 4096 * 1024);
    const set = resolveAudioSourceConfig({ id: 'n', maxMessageKB: '64' });
    assert.ok(set.ok && set.config.maxMessageBytes === 64 * 1024);
    for (const bad of ['0', '1.5', 'big', 512 * 1024 + 1]) {
      assert.match(problemsOf(resolveAudioSourceConfig({ id: 'n', maxMessageKB: bad })).join(), /max\. message size \(KB\)/, String(bad));
    }
  });

  test('audio-source: file mode needs a path; an unset environment variable is named', () => {
    assert.deepEqual(problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'file' })), ['file mode needs a file or folder path']);
    assert.deepEqual(problemsOf(resolveAudioSourceConfig({ id: 'n', mode: 'file', path: 'CLIPS', pathType: 'env' }, () => undefined)), [
      'environment variable CLIPS is not set',
    ]);
    const fromEnv = resolveAudioSourceConfig({ id: 'n', mode: 'file', path: 'CLIPS', pathType: 'env' }, () => '/tmp/clips');
    assert.ok(fromEnv.ok && fromEnv.config.path === '/tmp/clips');
  });

  test('feature-window: the window checks of the core come through as problems', () => {
    assert.match(problemsOf(resolveFeatureWindowConfig({ windowSeconds: 'x' })).join(), /window length must be a number/);
    assert.match(problemsOf(resolveFeatureWindowConfig({ profile: 'other' })).join(), /unknown feature profile "other"/);
  });

  test('emotion-router: times in seconds become milliseconds; the router rules apply', () => {
    const resolved = resolveEmotionRouterConfig({ minDwell: '2', cooldown: 0, idleTimeout: '30' });
    assert.ok(resolved.ok);
    assert.equal(resolved.config.minDwellMs, 2000);
    assert.equal(resolved.config.idleTimeoutMs, 30_000);
    assert.match(problemsOf(resolveEmotionRouterConfig({ enterThreshold: '0.3', leaveThreshold: '0.6' })).join(), /leaveThreshold/);
  });
});
