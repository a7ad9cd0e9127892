import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSamples } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';
import { RealFft400 } from '../../src/core/features/real-fft-400';
import { FrameSampleBlocks } from '../../src/core/features/frame-sample-blocks';

const root = join(__dirname, '..', '..');

test('the WebAssembly SIMD FFT gives the JavaScript FFT bit for bit, from 32-bit, 64-bit and plain-array samples', async () => {
  const speech = await loadSamples(clip16k(manifest()[0].path));
  const simd = new RealFft400();
  const scalar = new RealFft400({ simd: false });
  // Node 18 and later have WebAssembly SIMD: a kernel that failed to load would make this test pointless
  assert.equal(simd.usesSimd, true);
  const inputs: [string, ArrayLike<number>][] = [
    ['float32', speech],
    ['float64', Float64Array.from(speech)],
    ['array', Array.from(speech.subarray(0, 8000))],
    ['loud float64', Float64Array.from({ length: 4000 }, (_, i) => 1e6 * Math.sin(i * 0.7) + (i % 13))],
  ];
  const a = new Float64Array(200);
  const b = new Float64Array(200);
  let frames = 0;
  for (const [name, x] of inputs) {
    for (let offset = 0; offset + 400 <= x.length; offset += 160) {
      simd.powerSpectrum(x, offset, a);
      scalar.powerSpectrum(x, offset, b);
      for (let k = 0; k < 200; k++) assert.ok(Object.is(a[k], b[k]), `${name} frame at ${offset} bin ${k}: ${a[k]} vs ${b[k]}`);
      frames++;
    }
  }
  assert.ok(frames > 300);
});

test('a frame that runs past the samples is a RangeError, not a spectrum of stale samples', () => {
  const x = new Float32Array(1000);
  assert.throws(() => new RealFft400().powerSpectrum(x, 700, new Float64Array(200)), RangeError);
});

test('the committed WebAssembly modules are what scripts/build-wasm.mjs compiles from assembly/', () => {
  const out = mkdtempSync(join(tmpdir(), 'speech-emotion-wasm-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--out', out], { stdio: 'pipe' });
    const modules = readdirSync(out);
    assert.deepEqual(modules.sort(), ['frame-sample-blocks-simd.wasm', 'real-fft-400-simd.wasm']);
    for (const module of modules) {
      const committed = readFileSync(join(root, 'src', 'core', 'features', module));
      assert.ok(
        readFileSync(join(out, module)).equals(committed),
        `run \`node scripts/build-wasm.mjs\` and commit src/core/features/${module}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the WebAssembly SIMD blocks give the JavaScript blocks bit for bit, across pivot changes, runs and reaches', async () => {
  const speech = await loadSamples(clip16k(manifest()[0].path));
  const simd = new FrameSampleBlocks();
  const scalar = new FrameSampleBlocks({ simd: false });
  assert.equal(simd.usesSimd, true);
  const fields = ['sum', 'mean', 'centredEnergy', 'crossingsBelow', 'crossingsAbove', 'reach'] as const;
  let frames = 0;
  for (let start = 0; start + 400 <= speech.length; start += 160) {
    const frame = start / 160;
    // the pivot moves every 50 frames (the stream follows the window means), a run restarts every 97
    const pivot = Math.fround(((Math.floor(frame / 50) % 5) - 2) * 0.001);
    // a float stream measures the reach (NaN); 16-bit audio knows it
    const reach = frame % 211 < 20 ? NaN : 1 / 32768;
    if (frame % 97 === 0) {
      simd.resetRun();
      scalar.resetRun();
    }
    simd.update(speech, start, pivot, reach);
    scalar.update(speech, start, pivot, reach);
    for (const field of fields) {
      for (let b = 0; b < 10; b++)
        assert.ok(Object.is(simd[field][b], scalar[field][b]), `frame ${frame} ${field}[${b}]: ${simd[field][b]} vs ${scalar[field][b]}`);
    }
    frames++;
  }
  assert.ok(frames > 300);
});

test('without WebAssembly (node --jitless) the JavaScript FFT and blocks run, and give the same numbers', async () => {
  const script = `const { RealFft400 } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'real-fft-400.ts'))});
const { FrameSampleBlocks } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'frame-sample-blocks.ts'))});
const x = Float32Array.from({ length: 560 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
const fft = new RealFft400();
const power = new Float64Array(200);
fft.powerSpectrum(x, 0, power);
const blocks = new FrameSampleBlocks();
blocks.update(x, 0, 0, 1 / 32768);
blocks.update(x, 160, 0, 1 / 32768);
process.stdout.write(JSON.stringify({ simd: [fft.usesSimd, blocks.usesSimd], power: Array.from(power), energies: Array.from(blocks.centredEnergy) }));`;
  const output = execFileSync(process.execPath, ['--jitless', '--import', 'tsx', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: 'pipe',
  });
  const jitless = JSON.parse(output) as { simd: boolean[]; power: number[]; energies: number[] };
  assert.deepEqual(jitless.simd, [false, false]);
  const x = Float32Array.from({ length: 560 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
  const power = new Float64Array(200);
  new RealFft400().powerSpectrum(x, 0, power);
  assert.deepEqual(jitless.power, Array.from(power));
  const blocks = new FrameSampleBlocks();
  blocks.update(x, 0, 0, 1 / 32768);
  blocks.update(x, 160, 0, 1 / 32768);
  assert.equal(blocks.usesSimd, true);
  assert.deepEqual(jitless.energies, Array.from(blocks.centredEnergy));
});
