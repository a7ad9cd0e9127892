import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchReport } from '../../scripts/bench';
import { ROOT, assertBuilt } from './node-red-instance';

test('npm run bench --quick: 10 paced live streams through a real Node-RED, every window and prediction accounted for', () => {
  assertBuilt();
  const out = mkdtempSync(join(tmpdir(), 'speech-emotion-bench-test-'));
  try {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench.ts', '--quick', '--streams', '10', '--seconds', '4', '--out', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, `bench failed:\n${run.stdout}\n${run.stderr}`);
    const report = JSON.parse(readFileSync(join(out, 'benchmark.json'), 'utf8')) as BenchReport;
    assert.equal(report.endToEnd.length, 1);
    const [e2e] = report.endToEnd;
    assert.equal(e2e.streams, 10);
    assert.equal(e2e.audioSeconds, 4);
    // Speech-only windows of real RAVDESS audio: 4 s gives two 3 s windows per stream.
    assert.equal(e2e.windows.expected, 20);
    assert.equal(e2e.windows.emitted, e2e.windows.expected);
    assert.ok(e2e.predictions.expected > 0 && e2e.predictions.expected <= e2e.windows.expected);
    assert.equal(e2e.predictions.emitted, e2e.predictions.expected);
    assert.equal(e2e.dropped, 0);
    for (const key of [
      'cpuSeconds',
      'cpuMsPerStreamSecond',
      'processCores',
      'wallSeconds',
      'eventLoopUtilisation',
      'rssMB',
      'heapMB',
    ] as const) {
      assert.ok(Number.isFinite(e2e[key]) && e2e[key] > 0, `${key}: ${e2e[key]}`);
    }
    assert.ok(e2e.latencyMs.p50 <= e2e.latencyMs.p99 && e2e.latencyMs.p99 <= e2e.latencyMs.max);
    assert.ok(Number.isInteger(e2e.tensors) && e2e.tensors > 0);
    assert.equal(typeof e2e.keepsUp, 'boolean');
    assert.deepEqual(
      report.headline.map((h) => h.cores),
      ['all'],
    );
    assert.ok(report.inference.single.windowsPerCpuSecond > 0 && report.inference.batched.windowsPerCpuSecond > 0);
    assert.equal(report.soak, null);
    const markdown = readFileSync(join(out, 'benchmark.md'), 'utf8');
    assert.match(markdown, /^\| 10 \| all \| [\d.]+ \|/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
