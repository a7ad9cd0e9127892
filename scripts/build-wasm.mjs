// Compiles the AssemblyScript kernels in assembly/ into the WebAssembly modules the features load
// (src/core/features/NAME-simd.wasm, copied into dist/ by build.mjs). The modules are committed: `npm run
// build` and an install from git need no AssemblyScript; test/core/features-simd-kernels.test.ts compiles them
// again and fails if a module is not what its source gives.
//   node scripts/build-wasm.mjs [--out DIR]   (default: src/core; each module in its folder there)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, 'src', 'core');

/**
 * Each kernel: its source, the module it becomes (in src/core), its 64 KiB pages (1 unless said), the most it may
 * grow to (its pages unless said) and options of its own.
 */
const KERNELS = [
  { source: 'assembly/real-fft-400.ts', module: 'features/real-fft-400-simd.wasm' },
  { source: 'assembly/frame-sample-blocks.ts', module: 'features/frame-sample-blocks-simd.wasm' },
  { source: 'assembly/frame-spectrum.ts', module: 'features/frame-spectrum-simd.wasm' },
  { source: 'assembly/pcm-chunk.ts', module: 'features/pcm-chunk-simd.wasm' },
  // shrink level 1 selects AssemblyScript's fdlibm Math.log2 (not its table-driven one): V8's Math.log2 is fdlibm's
  // too, and the two give the same bits (test/core/features-simd-kernels.test.ts)
  { source: 'assembly/window-frames.ts', module: 'features/window-frames-simd.wasm', pages: 2, options: ['--shrinkLevel', '1'] },
  // the loader grows the memory to hold the net
  { source: 'assembly/forward-pass.ts', module: 'model/forward-pass-simd.wasm', maxPages: 64, options: ['--shrinkLevel', '1'] },
];

const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
for (const { source, module, pages = 1, maxPages = pages, options = [] } of KERNELS) {
  mkdirSync(dirname(join(outDir, module)), { recursive: true });
  // no runtime, allocator or imports: the kernel works in fixed places of its pages, below their last 16 KiB, where
  // the compiler puts any data of its own
  execFileSync(
    process.execPath,
    [
      asc,
      join(root, source),
      '-O3',
      ...options,
      '--enable',
      'simd',
      '--runtime',
      'stub',
      '--noAssert',
      '--use',
      'abort=',
      '--memoryBase',
      String(pages * 65536 - 16384),
      '--initialMemory',
      String(pages),
      '--maximumMemory',
      String(maxPages),
      '-o',
      join(outDir, module),
    ],
    { stdio: 'inherit', cwd: root },
  );
}
