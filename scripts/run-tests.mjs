// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [substring ...] [--node-test-flag ...]
//   words select the test files whose path contains one of them; anything starting with -- goes to
//   node itself (--test-name-pattern=..., --test-only, --watch, ...).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
function findTests(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findTests(path);
    return entry.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}
const args = process.argv.slice(2);
const nodeFlags = args.filter((a) => a.startsWith('--'));
const filters = args.filter((a) => !a.startsWith('--'));
const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Spec output for people; a TAP copy to count from, so the run ends with one plain "N passed, N failed" line.
const tapDir = mkdtempSync(join(tmpdir(), 'speech-emotion-tests-'));
const tapFile = join(tapDir, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeFlags,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);

// What was skipped, and why, in one line: "not run: 3 tests need the full RAVDESS corpus (...)".
const reasons = new Map();
for (const [, reason] of tap.matchAll(/^\s*ok \d+ - .*# SKIP ?(.*)$/gm)) {
  const why = reason.trim() || 'skipped';
  if (why === 'test name does not match pattern') continue; // left out on purpose by --test-name-pattern
  reasons.set(why, (reasons.get(why) ?? 0) + 1);
}
if (reasons.size > 0) {
  const parts = [...reasons].map(
    ([why, n]) => `${n} ${n === 1 ? 'test' : 'tests'} ${why.replace(/^needs /, n === 1 ? 'needs ' : 'need ')}`,
  );
  console.log(`\nnot run: ${parts.join('; ')}`);
}
console.log(
  `${reasons.size > 0 ? '' : '\n'}${count('pass')} passed, ${count('fail') + count('cancelled')} failed, ${count('skipped')} skipped`,
);
process.exit(result.status ?? 1);
