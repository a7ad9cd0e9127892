// What runs inside Node-RED must not load training or command-line code: each built node module (and
// the package's main entry) is required in a fresh process and the modules it loaded are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, assertBuilt } from './node-red-instance';

assertBuilt();

const DIST = join(ROOT, 'dist');

/** dist/-relative paths of the package's own modules that requiring `file` loads, in a fresh process. */
function distModulesLoadedBy(file: string): string[] {
  const script = `require(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
  return loaded.filter((path) => path.startsWith(DIST + '/')).map((path) => relative(DIST, path));
}

const nodeModules = readdirSync(join(DIST, 'nodes'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.js'))
  .map((name) => join(DIST, 'nodes', name))
  .sort();

const TRAINING_OR_CLI = /^(core\/training|cli)\//;

for (const file of [...nodeModules, join(DIST, 'core', 'index.js')]) {
  test(`${relative(DIST, file)} loads nothing from core/training or cli`, () => {
    const loaded = distModulesLoadedBy(file);
    assert.ok(loaded.includes(relative(DIST, file)), 'the module itself is in the list (the check sees what it loads)');
    assert.deepEqual(
      loaded.filter((path) => TRAINING_OR_CLI.test(path)),
      [],
    );
  });
}

test('mt-a-dnn-infer loads the inference code from core/model', () => {
  const loaded = distModulesLoadedBy(join(DIST, 'nodes', 'mt-a-dnn-infer', 'mt-a-dnn-infer.js'));
  for (const module of ['core/model/emotion-model.js', 'core/model/emotion-stream-classifier.js', 'core/model/task-attention-layer.js']) {
    assert.ok(loaded.includes(module), `${module} loaded`);
  }
});
