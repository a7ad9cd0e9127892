import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { loadSamples } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';
import { RealFft400 } from '../../src/core/features/real-fft-400';
import { FrameSampleBlocks } from '../../src/core/features/frame-sample-blocks';
import { FrameAnalyser, FrameAnalysisScratch, FrameRecords, REC, REC16, REC32 } from '../../src/core/features/frame-record';
import { simdPcmChunk } from '../../src/core/features/pcm-chunk-simd';
import { FeatureWindowStream } from '../../src/core/features/feature-window-stream';
import { WindowScratch } from '../../src/core/features/window-scratch';
import type { FeatureWindowOptions } from '../../src/core/features/feature-window-stream';

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
    const modules = readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.wasm'))
      .sort();
    assert.deepEqual(modules, [
      'features/frame-sample-blocks-simd.wasm',
      'features/frame-spectrum-simd.wasm',
      'features/pcm-chunk-simd.wasm',
      'features/real-fft-400-simd.wasm',
      'features/window-frames-simd.wasm',
      'model/forward-pass-simd.wasm',
    ]);
    for (const module of modules) {
      const committed = readFileSync(join(root, 'src', 'core', module));
      assert.ok(readFileSync(join(out, module)).equals(committed), `run \`node scripts/build-wasm.mjs\` and commit src/core/${module}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the window kernel's paired log2 gives Math.log2's bits, special cases and reduction boundaries included", () => {
  const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-log2-'));
  try {
    // a module that applies log2Pair to pairs of doubles in its memory, compiled as the kernels are
    writeFileSync(
      join(dir, 'log2-pairs.ts'),
      [
        `import { log2Pair } from '${relative(dir, join(root, 'assembly', 'log2-pair')).replace(/\\/g, '/')}';`,
        'export function log2Pairs(pairs: i32): void {',
        '  for (let i = 0; i < pairs; i++) v128.store(<usize>i << 4, log2Pair(v128.load(<usize>i << 4)));',
        '}',
      ].join('\n'),
    );
    const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
    const wasm = join(dir, 'log2-pairs.wasm');
    const flags = ['-O3', '--shrinkLevel', '1', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--use', 'abort='];
    execFileSync(
      process.execPath,
      [asc, join(dir, 'log2-pairs.ts'), ...flags, '--memoryBase', String(257 * 65536), '--initialMemory', '260', '-o', wasm],
      { stdio: 'pipe' },
    );
    const kernel = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {}).exports as {
      memory: WebAssembly.Memory;
      log2Pairs(pairs: number): void;
    };
    const pairs = 1 << 20;
    const values = new Float64Array(kernel.memory.buffer, 0, 2 * pairs);
    const bits = new BigUint64Array(values.buffer, 0, 2 * pairs);
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const special = [
      0,
      -0,
      1,
      -1,
      2,
      0.5,
      Math.SQRT2,
      Math.SQRT1_2,
      Infinity,
      -Infinity,
      NaN,
      5e-324,
      2.2250738585072014e-308,
      2.225073858507201e-308,
      Number.MAX_VALUE,
      2.220446049250313e-16,
    ];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2 * pairs; i++) {
        const kind = i % 4;
        if (i < special.length) values[i] = special[(i + round) % special.length];
        else if (kind === 0)
          values[i] = 2 ** ((random() - 0.5) * 2100); // the whole exponent range, subnormals included
        else if (kind === 1)
          values[i] = 1 + (random() - 0.5) * 2 ** -(random() * 40); // near 1, where the result is smallest
        else if (kind === 2)
          values[i] = Math.SQRT2 * 2 ** Math.round((random() - 0.5) * 60) * (1 + (random() - 0.5) * 1e-9); // where k steps
        else bits[i] = (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32)); // any bits
      }
      const inputs = values.slice();
      kernel.log2Pairs(pairs);
      for (let i = 0; i < 2 * pairs; i++) {
        const expected = Math.log2(inputs[i]);
        if (!Object.is(values[i], expected)) assert.fail(`log2Pair(${inputs[i]}) = ${values[i]}, Math.log2 gives ${expected}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
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

/** Every number of the records (singles, halves, blocks) must be the same bits. */
function assertSameRecords(a: FrameRecords, b: FrameRecords, what: string): void {
  for (const field of ['singles', 'halves', 'blocks'] as const) {
    for (let i = 0; i < a[field].length; i++) {
      assert.ok(Object.is(a[field][i], b[field][i]), `${what}: ${field}[${i}] ${a[field][i]} vs ${b[field][i]}`);
    }
  }
}

test('the WebAssembly SIMD frame spectrum gives the JavaScript frame records bit for bit', async () => {
  const speech = await loadSamples(clip16k(manifest()[1].path));
  assert.equal(new FrameAnalysisScratch().spectrum !== null, true);
  assert.equal(new FrameAnalysisScratch({ simd: false }).spectrum, null);
  const silenceThenTone = Float32Array.from({ length: 8000 }, (_, i) => (i < 3000 ? 0 : Math.round(Math.sin(i * 0.2) * 3000) / 32768));
  const inputs: [string, ArrayLike<number>, number][] = [
    ['16-bit speech', speech, 1 / 32768],
    ['float64 speech', Float64Array.from(speech, (v) => v * 0.37 + 1e-3), NaN],
    // frames of zeros: no filter output, so no MFCC shortcut; then a tone that leaves most bins empty
    ['silence, then a tone', silenceThenTone, 1 / 32768],
    // sums beyond float32's range: the records keep them in double precision
    ['loud float64', Float64Array.from({ length: 6000 }, (_, i) => 1e18 * Math.sin(i * 0.7) + 1e17 * (i % 13)), NaN],
  ];
  for (const [name, x, reach] of inputs) {
    const frames = Math.floor((x.length - 400) / 160) + 1;
    const withKernel = new FrameRecords(frames);
    const javaScript = new FrameRecords(frames);
    // two analysers take turns on one scratch (as a thread's streams do), so each takes over the other's run
    const kernelScratch = new FrameAnalysisScratch();
    const scalarScratch = new FrameAnalysisScratch({ simd: false });
    const kernel = [new FrameAnalyser(kernelScratch), new FrameAnalyser(kernelScratch)];
    const scalar = [new FrameAnalyser(scalarScratch), new FrameAnalyser(scalarScratch)];
    for (const analyser of [...kernel, ...scalar]) analyser.zcrReach = reach;
    for (let j = 0; j < frames; j++) {
      const turn = Math.floor(j / 7) % 2;
      if (j % 97 === 0) for (const analyser of [...kernel, ...scalar]) analyser.resetRun();
      kernel[turn].analyse(x, j * 160, withKernel, j);
      scalar[turn].analyse(x, j * 160, javaScript, j);
      assert.deepEqual(kernelScratch.energies, scalarScratch.energies, `${name} frame ${j}: energies`);
    }
    assertSameRecords(withKernel, javaScript, name);
    // the exact values beside the records (private) show in every precise value
    for (let j = 0; j < frames; j++) {
      for (let i = 0; i < REC.length; i++) {
        const a = FrameRecords.precise(withKernel, withKernel.singles, withKernel.halves, j * REC32.length, j * REC16.length, j, i);
        const b = FrameRecords.precise(javaScript, javaScript.singles, javaScript.halves, j * REC32.length, j * REC16.length, j, i);
        assert.ok(Object.is(a, b), `${name} frame ${j} value ${i}: ${a} vs ${b}`);
      }
    }
  }
});

test('the WebAssembly SIMD PCM kernel gives the JavaScript sample loops exactly, across the ring and call sizes', () => {
  const kernel = simdPcmChunk();
  assert.notEqual(kernel, null);
  // full scale both ways (squares of -32768 need 64-bit sums), a ring of a length that is no multiple of 8 or 160
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 65536 - 32768;
  const ring = Int16Array.from({ length: 13_331 }, (_, i) => (i % 1000 < 30 ? (i % 2 ? 32767 : -32768) : Math.floor(random())));
  for (const at of [0, 5, 12_000, 13_330]) {
    for (const n of [1, 7, 160, 4001, 13_331]) {
      const floats = new Float32Array(n + 3);
      kernel!.toFloats(ring, at, n, floats, 3);
      for (let i = 0; i < n; i++) {
        const expected = Math.fround(ring[(at + i) % ring.length] * (1 / 32768));
        assert.ok(Object.is(floats[3 + i], expected), `toFloats at ${at}, n ${n}, sample ${i}`);
      }
    }
    const blocks = 83; // 13,280 samples: past the ring's end, over several calls
    const sums = new Int32Array(blocks + 2);
    const mins = new Int16Array(blocks + 2);
    const maxs = new Int16Array(blocks + 2);
    kernel!.blockSummaries(ring, at, blocks, sums, mins, maxs, 2);
    for (let b = 0; b < blocks; b++) {
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < 160; i++) {
        const v = ring[(at + b * 160 + i) % ring.length];
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assert.deepEqual([sums[2 + b], mins[2 + b], maxs[2 + b]], [sum, min, max], `block ${b} from ${at}`);
    }
    const frames = 33;
    const squares = new Float64Array(frames);
    kernel!.frameSquares(ring, at, frames, squares);
    for (let f = 0; f < frames; f++) {
      let e = 0;
      for (let i = 0; i < 400; i++) {
        const a = Math.fround(ring[(at + f * 400 + i) % ring.length] / 32768);
        e += a * a;
      }
      assert.ok(Object.is(squares[f], e), `frame ${f} from ${at}: ${squares[f]} vs ${e}`);
    }
  }
});

test('16-bit streams give the same windows with the WebAssembly kernels as with the JavaScript, whatever the chunk size', async () => {
  const speech = await loadSamples(clip16k(manifest()[2].path));
  const pcm = Int16Array.from(speech, (v) => v * 32768);
  for (const [chunk, options] of [
    [4000, {}],
    [16_000, { windowSeconds: 1, hopSeconds: 0.25 }],
    [333, { windowSeconds: 2, hopSeconds: 0.5 }],
  ] as const) {
    const windowsOf = (scratch: WindowScratch) => {
      const stream = new FeatureWindowStream('s', options, scratch);
      const vectors: number[][] = [];
      for (let i = 0; i < pcm.length; i += chunk) vectors.push(...stream.push(pcm.subarray(i, i + chunk)).map((w) => w.vector));
      vectors.push(...stream.end().map((w) => w.vector));
      return vectors;
    };
    const withKernels = new WindowScratch();
    assert.notEqual(withKernels.pcmChunk, null);
    const vectors = windowsOf(withKernels);
    assert.ok(vectors.length >= 2);
    assert.deepEqual(vectors, windowsOf(new WindowScratch({ simd: false })), `chunks of ${chunk}`);
  }
});

test('the WebAssembly window features give the JavaScript ones bit for bit, fallbacks to the samples included', async () => {
  const clips = await Promise.all(
    manifest()
      .slice(3, 9)
      .map((row) => loadSamples(clip16k(row.path))),
  );
  const speech = new Float32Array(clips.reduce((n, c) => n + c.length, 0));
  clips.reduce((at, c) => (speech.set(c, at), at + c.length), 0);
  const pcm = Int16Array.from(speech, (v) => v * 32768);
  const cases: [string, Float32Array | Int16Array | Float64Array, Partial<FeatureWindowOptions>][] = [
    ['16-bit, speech only', pcm, {}],
    ['16-bit, every window', pcm, { trimSilence: false }],
    // off the 16-bit grid: the zero-crossing counts must often come from the samples
    ['floats', speech.map((v) => v * 0.3 + 1e-4), {}],
    ['1 s windows every 0.1 s', pcm, { windowSeconds: 1, hopSeconds: 0.1 }],
    // sums beyond float32's range in 1 s of 8: the windows holding those frames stay with the JavaScript
    ['loud', Float64Array.from(speech.subarray(0, 128_000), (v, i) => (i >= 32_000 && i < 48_000 ? v * 1e30 : v)), { trimSilence: false }],
  ];
  const total = { zcr: 0, rolloff: 0 };
  for (const [name, input, options] of cases) {
    const run = (scratch: WindowScratch) => {
      const stream = new FeatureWindowStream('s', options, scratch);
      const vectors: number[][] = [];
      for (let i = 0; i < input.length; i += 4000) vectors.push(...stream.push(input.subarray(i, i + 4000)).map((w) => w.vector));
      vectors.push(...stream.end().map((w) => w.vector));
      return { vectors, fallbacks: { ...stream.fallbacks } };
    };
    const withKernel = run(new WindowScratch());
    const javaScript = run(new WindowScratch({ simd: false }));
    assert.ok(withKernel.vectors.length >= 3, name);
    assert.equal(withKernel.vectors.length, javaScript.vectors.length, name);
    withKernel.vectors.forEach((vector, w) =>
      vector.forEach((v, i) =>
        assert.ok(Object.is(v, javaScript.vectors[w][i]), `${name}, window ${w}, value ${i}: ${v} vs ${javaScript.vectors[w][i]}`),
      ),
    );
    assert.deepEqual(withKernel.fallbacks, javaScript.fallbacks, name);
    total.zcr += withKernel.fallbacks.zcr;
    total.rolloff += withKernel.fallbacks.rolloff;
  }
  // the frames the kernel hands back were there to hand back
  assert.ok(total.zcr > 0 && total.rolloff > 0, JSON.stringify(total));
});

test('without WebAssembly (node --jitless) the JavaScript FFT, blocks, spectral stages and window features run, and give the same numbers', async () => {
  const script = `const { RealFft400 } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'real-fft-400.ts'))});
const { FrameSampleBlocks } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'frame-sample-blocks.ts'))});
const x = Float32Array.from({ length: 560 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
const fft = new RealFft400();
const power = new Float64Array(200);
fft.powerSpectrum(x, 0, power);
const blocks = new FrameSampleBlocks();
blocks.update(x, 0, 0, 1 / 32768);
blocks.update(x, 160, 0, 1 / 32768);
const { FrameAnalyser, FrameAnalysisScratch, FrameRecords } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'frame-record.ts'))});
const scratch = new FrameAnalysisScratch();
const records = new FrameRecords(2);
const analyser = new FrameAnalyser(scratch);
analyser.analyse(x, 0, records, 0);
analyser.analyse(x, 160, records, 1);
const { FeatureWindowStream } = require(${JSON.stringify(join(root, 'src', 'core', 'features', 'feature-window-stream.ts'))});
const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(Math.sin(i * 0.05) * 9000 + Math.sin(i * 0.71) * 3000));
const windows = new FeatureWindowStream('s', { windowSeconds: 0.5, hopSeconds: 0.25 }).push(tone).map((w) => w.vector);
process.stdout.write(JSON.stringify({ simd: [fft.usesSimd, blocks.usesSimd, scratch.spectrum !== null], power: Array.from(power), energies: Array.from(blocks.centredEnergy), records: Array.from(new Uint32Array(records.singles.buffer)), windows }));`;
  const output = execFileSync(process.execPath, ['--jitless', '--import', 'tsx', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: 'pipe',
  });
  const jitless = JSON.parse(output) as { simd: boolean[]; power: number[]; energies: number[]; records: number[]; windows: number[][] };
  assert.deepEqual(jitless.simd, [false, false, false]);
  const x = Float32Array.from({ length: 560 }, (_, i) => Math.round(Math.sin(i * 0.3) * 9000) / 32768);
  const power = new Float64Array(200);
  new RealFft400().powerSpectrum(x, 0, power);
  assert.deepEqual(jitless.power, Array.from(power));
  const blocks = new FrameSampleBlocks();
  blocks.update(x, 0, 0, 1 / 32768);
  blocks.update(x, 160, 0, 1 / 32768);
  assert.equal(blocks.usesSimd, true);
  assert.deepEqual(jitless.energies, Array.from(blocks.centredEnergy));
  const scratch = new FrameAnalysisScratch();
  assert.notEqual(scratch.spectrum, null);
  const records = new FrameRecords(2);
  const analyser = new FrameAnalyser(scratch);
  analyser.analyse(x, 0, records, 0);
  analyser.analyse(x, 160, records, 1);
  // as bits: JSON has no NaN (a frame without a predecessor has no flux cross term)
  assert.deepEqual(jitless.records, Array.from(new Uint32Array(records.singles.buffer)));
  // a stream's windows, every kernel missing there
  const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(Math.sin(i * 0.05) * 9000 + Math.sin(i * 0.71) * 3000));
  const windows = new FeatureWindowStream('s', { windowSeconds: 0.5, hopSeconds: 0.25 }).push(tone).map((w) => w.vector);
  assert.ok(windows.length >= 3);
  assert.deepEqual(jitless.windows, windows);
});
