import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The exports of a WebAssembly SIMD kernel (assembly/NAME.ts compiled by scripts/build-wasm.mjs into NAME-simd.wasm
 * beside its loader, in `dir`: the features' by default), or null where WebAssembly or its SIMD is not there (node
 * --jitless, an engine without it): the JavaScript it replaces then runs. A missing file is a broken install, not a
 * missing feature: it throws.
 */
export function loadSimdKernel<Exports>(moduleFile: string, dir = join(__dirname, 'features')): Exports | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = readFileSync(join(dir, moduleFile));
  if (!WebAssembly.validate(bytes)) return null;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;
}

/**
 * A kernel loader that instantiates once per thread (module state is per thread): every caller shares the instance,
 * each of its calls being synchronous; null stays null.
 */
export function loadOncePerThread<Kernel>(instantiate: () => Kernel | null): () => Kernel | null {
  let loaded: Kernel | null | undefined;
  return () => {
    if (loaded === undefined) loaded = instantiate();
    return loaded;
  };
}
