// The code the benchmarks measure is the compiled package (dist/, built by `npm run build`), which Node-RED runs
// in plain node. Run from src/ under tsx, every imported binding is read through a getter (esbuild turns imports
// into getters), and the feature code ran 3-4x slower (CPU time, 60 s of audio, streaming about 200x against 700x
// real time on the shared 2-core machine).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** dist/core/features/`modulePath` of the checkout at `root` (this one by default), as compiled. */
export function compiledFeatures<M>(modulePath: string, root = join(__dirname, '..', '..')): M {
  const file = join(root, 'dist', 'core', 'features', modulePath);
  if (!existsSync(`${file}.js`)) throw new Error(`${file}.js is missing: run npm run build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, found at run time
  return require(file) as M;
}
