// The package as a user gets it: `npm pack` of a clean copy of the sources (prepare builds dist/),
// installed with npm into a fresh Node-RED user directory, Node-RED started from another folder (as
// systemd and Docker do), every node loaded and every example deployed as shipped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type FlowNode, NodeRedInstance, ROOT } from './node-red-instance';
import { EMOTIONS, NODE_TYPES, collectMqtt, loadExample, tap, withBroker } from './example-flows';
import { MosquittoBroker } from './mosquitto-broker';
// @ts-expect-error plain ES module shared with scripts/start-demo.mjs
import { DASHBOARD_PACKAGE, PACKAGE_NAME, writeNodeRedSettings } from '../../demo/runtime/user-dir.mjs';

const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** Tracked and new (not ignored) files: what a clean clone of this branch holds. */
function copySources(into: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(into, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted but not yet committed
    }
  }
  // The build tools come from this project's install, as npm installs them for a git dependency.
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
}

describe('packed tarball installed into a fresh Node-RED user directory', { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'speech-emotion-packed-'));
  const userDir = join(work, 'user');
  const elsewhere = join(work, 'elsewhere');
  let packedFiles: string[] = [];
  let red: NodeRedInstance;
  let broker: MosquittoBroker;
  const installed = join(userDir, 'node_modules', PACKAGE_NAME);

  before(async () => {
    const sources = join(work, 'sources');
    copySources(sources);
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: sources, encoding: 'utf8' }),
    ) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    packedFiles = packed.files.map((f) => f.path);

    mkdirSync(userDir);
    mkdirSync(elsewhere);
    writeFileSync(join(userDir, 'package.json'), `${JSON.stringify({ name: 'node-red-user', private: true }, null, 2)}\n`);
    execFileSync('npm', ['install', join(work, packed.filename), ...NPM_FLAGS], { cwd: userDir, stdio: 'pipe' });
    // Example 02 needs the dashboard; the project's copy, so that nothing else is downloaded.
    mkdirSync(join(userDir, 'node_modules', '@flowfuse'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', DASHBOARD_PACKAGE), join(userDir, 'node_modules', DASHBOARD_PACKAGE), 'dir');
    writeNodeRedSettings({ userDir, port: 0 });
    [red, broker] = await Promise.all([NodeRedInstance.startIn({ userDir, cwd: elsewhere }), MosquittoBroker.start()]);
  });
  after(async () => {
    await red?.stop();
    await broker?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds the built nodes, examples, model and demo clips, and no sources, tests, maps or scratch', () => {
    for (const type of NODE_TYPES) {
      for (const file of [
        `dist/nodes/${type}/${type}.js`,
        `dist/nodes/${type}/${type}.html`,
        `dist/nodes/${type}/locales/en-US/${type}.json`,
      ]) {
        assert.ok(packedFiles.includes(file), file);
      }
    }
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/speech-emotion.js',
      'dist/cli/main.js',
      'dist/core/index.js',
      'dist/core/index.d.ts',
      'models/default/metadata.json',
      'demo/clips/02-bright-high.wav',
      'dist/core/features/real-fft-400-simd.wasm',
      'dist/core/features/frame-sample-blocks-simd.wasm',
      'dist/core/features/frame-spectrum-simd.wasm',
      'dist/core/features/pcm-chunk-simd.wasm',
      'dist/core/features/window-frames-simd.wasm',
    ]) {
      assert.ok(packedFiles.includes(file), file);
    }
    // The shipped model's net files: model.json + weights.bin, or each member's of an ensemble.
    const shippedMembers: string[] = JSON.parse(readFileSync(join(ROOT, 'models', 'default', 'metadata.json'), 'utf8')).members ?? [
      'model.json',
    ];
    for (const member of shippedMembers) {
      const json = JSON.parse(readFileSync(join(ROOT, 'models', 'default', member), 'utf8')) as { weightsManifest: { paths: string[] }[] };
      for (const file of [member, ...json.weightsManifest.flatMap((g) => g.paths)]) {
        assert.ok(packedFiles.includes(join('models/default', file)), file);
      }
    }
    assert.equal(packedFiles.filter((f) => f.startsWith('examples/') && f.endsWith('.json')).length, 6);
    const unwanted = packedFiles.filter(
      (f) =>
        /^(test|src|scripts|scratch|docs|assembly|\.ci)\//.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        f.endsWith('.map') ||
        /^(nodes|icons|locales)\//.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  test('users get none of the libraries only the tests and the command line baselines use', () => {
    assert.ok(existsSync(join(userDir, 'node_modules', '@tensorflow', 'tfjs-core')), 'the runtime dependencies are installed');
    for (const devOnly of ['meyda', 'fftjs', 'libsvm-js', 'ml-random-forest']) {
      assert.ok(!existsSync(join(userDir, 'node_modules', devOnly)), `${devOnly} is installed for users`);
    }
  });

  test('the installed features run the FFT in WebAssembly SIMD', () => {
    const script = `const { RealFft400 } = require(${JSON.stringify(join(installed, 'dist', 'core', 'features', 'real-fft-400.js'))});
process.stdout.write(String(new RealFft400().usesSimd));`;
    assert.equal(execFileSync(process.execPath, ['-e', script], { cwd: elsewhere, encoding: 'utf8' }), 'true');
  });

  test('all five node types load', async () => {
    const sets = (await (await red.request('/nodes', { headers: { Accept: 'application/json' } })).json()) as Array<{
      module: string;
      types: string[];
      enabled: boolean;
      err?: string;
    }>;
    const ours = sets.filter((s) => s.module === PACKAGE_NAME);
    assert.deepEqual(ours.flatMap((s) => s.types).sort(), [...NODE_TYPES].sort());
    for (const set of ours) assert.ok(set.enabled && !set.err, `${set.types}: ${set.err}`);
  });

  test('01 as shipped: per-window emotions in the debug sidebar', async () => {
    await red.deploy(loadExample('01', installed));
    const prediction = await red.waitFor(() => red.debug.find((d) => d.id === 'ex1-debug-prediction'), 'a prediction');
    assert.ok(EMOTIONS.includes((prediction.msg as { emotion: string }).emotion));
  });

  test('02: a missing microphone is reported on the dashboard; demo clips chart the probabilities', async () => {
    const flow = loadExample('02', installed).map((n) =>
      n.id === 'ex2-audio' ? { ...n, recorder: 'custom', command: 'no-such-recorder-command', autostart: true } : n,
    );
    await red.deploy(tap(flow, 'ex2-mic-problem'));
    const shown = await red.waitFor(() => red.debug.find((d) => d.id === 'tap-ex2-mic-problem'), 'the notification text');
    assert.match((shown.msg as { payload: string }).payload, /^Microphone: /);

    const fromClips = loadExample('02', installed).map((n) =>
      n.id === 'ex2-audio' ? { ...n, mode: 'file', path: 'demo/clips', pathType: 'str', realtime: false, autostart: true } : n,
    );
    await red.deploy(tap(fromClips, 'ex2-to-points'));
    const point = await red.waitFor(() => red.debug.find((d) => d.id === 'tap-ex2-to-points'), 'a chart point');
    assert.ok(EMOTIONS.includes((point.msg as { topic: string }).topic));
  });

  test('03 as shipped: the sensor state reaches the broker', async () => {
    const watcher = await collectMqtt(broker.url, ['speech-emotion/#']);
    try {
      await red.deploy(withBroker(loadExample('03', installed), broker.port));
      const state = await red.waitFor(() => watcher.messages.find((m) => m.topic === 'speech-emotion/living-room/state'), 'a sensor state');
      assert.ok([...EMOTIONS, 'uncertain'].includes(JSON.parse(state.payload).emotion));
    } finally {
      await watcher.end();
    }
  });

  test('05 and 06 as shipped: a window goes through a worker and its result comes back to the edge', async () => {
    const watcher = await collectMqtt(broker.url, ['speech-emotion/emotion/#']);
    try {
      await red.deploy([
        ...withBroker(loadExample('05', installed), broker.port),
        ...withBroker(loadExample('06', installed), broker.port),
      ]);
      const result = await red.waitFor(() => watcher.messages.find((m) => m.topic === 'speech-emotion/emotion/living-room'), 'a result');
      assert.ok(EMOTIONS.includes(JSON.parse(result.payload).emotion));
    } finally {
      await watcher.end();
      await red.deploy([]);
    }
  });

  test('04 as shipped: a light command reaches the broker', async () => {
    const watcher = await collectMqtt(broker.url, ['zigbee2mqtt/#']);
    try {
      await red.deploy(withBroker(loadExample('04', installed), broker.port) as FlowNode[]);
      const command = await red.waitFor(
        () => watcher.messages.find((m) => m.topic === 'zigbee2mqtt/living-room-light/set'),
        'a light command',
      );
      assert.equal(JSON.parse(command.payload).state, 'ON');
    } finally {
      await watcher.end();
    }
    assert.ok(!red.logs.some((line) => /ENOENT|cannot find/.test(line)), red.logs.filter((l) => /ENOENT|cannot find/.test(l)).join('\n'));
  });
});
