import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSamples } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';
import { RealFft400 } from '../../src/core/features/real-fft-400';

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

test('the committed WebAssembly module is what scripts/build-wasm.mjs compiles from assembly/', () => {
  const out = mkdtempSync(join(tmpdir(), 'speech-emotion-wasm-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--out', out], { stdio: 'pipe' });
    const built = readFileSync(join(out, 'real-fft-400-simd.wasm'));
    const committed = readFileSync(join(root, 'src', 'core', 'features', 'real-fft-400-simd.wasm'));
    assert.ok(built.equals(committed), 'run `node scripts/build-wasm.mjs` and commit src/core/features/real-fft-400-simd.wasm');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('without WebAssembly (node --jitless) the JavaScript FFT runs, and gives the same spectrum', async () => {
  const script = `const { RealFft400 } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'real-fft-400.ts'))});
const x = Float32Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
const fft = new RealFft400();
const power = new Float64Array(200);
fft.powerSpectrum(x, 0, power);
process.stdout.write(JSON.stringify({ usesSimd: fft.usesSimd, power: Array.from(power) }));`;
  const output = execFileSync(process.execPath, ['--jitless', '--import', 'tsx', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: 'pipe',
  });
  const { usesSimd, power } = JSON.parse(output) as { usesSimd: boolean; power: number[] };
  assert.equal(usesSimd, false);
  const x = Float32Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
  const expected = new Float64Array(200);
  new RealFft400().powerSpectrum(x, 0, expected);
  assert.deepEqual(power, Array.from(expected));
});
