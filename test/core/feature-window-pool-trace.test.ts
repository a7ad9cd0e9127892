import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const POOL = join(__dirname, '../../src/core/features/feature-window-pool.ts');
const STREAM = join(__dirname, '../../src/core/features/feature-window-stream.ts');

// Two streams of 1.5 s of a tone through a one-thread pool, in a process of its own (the variable is read once, at load).
const RUN_POOL = `
const { FeatureWindowPool } = require(${JSON.stringify(POOL)});
const { resolveFeatureWindowOptions } = require(${JSON.stringify(STREAM)});
const pool = new FeatureWindowPool(resolveFeatureWindowOptions({ windowSeconds: 1, hopSeconds: 0.5 }), {}, { threads: 1 });
const chunk = () => Float32Array.from({ length: 4000 }, (_, i) => 0.3 * Math.sin(i * 0.06));
(async () => {
  for (let k = 0; k < 6; k++) await Promise.all([pool.push('a', chunk(), undefined, false), pool.push('b', chunk(), undefined, false)]);
  await pool.dispose();
})();
`;

function runPool(env: Record<string, string>): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', RUN_POOL], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

test('SPEECH_EMOTION_POOL_TRACE: one line per chunk a thread answered, its times in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pool-trace-'));
  try {
    const file = join(dir, 'trace.jsonl');
    runPool({ SPEECH_EMOTION_POOL_TRACE: file });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 12);
    for (const line of lines) {
      const [lane, arrived, sent, answered, workMs, inFlight] = JSON.parse(line) as number[];
      assert.equal(lane, 0);
      assert.ok(arrived <= sent && sent <= answered, line);
      assert.ok(workMs >= 0 && inFlight >= 1, line);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
