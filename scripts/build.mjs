// Compiles the TypeScript, copies the WebAssembly modules, and copies each node's editor files beside its compiled .js, as Node-RED
// loads them: src/nodes/NAME/{NAME.html, locales/LANG/NAME.json, icons/} → dist/nodes/NAME/.
// Node-RED registers the icons folder beside each node's .js, so each node's folder holds only its own
// icon and every icon is registered once.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
// the WebAssembly kernels (scripts/build-wasm.mjs), loaded from beside their loaders
for (const folder of ['features', 'model']) {
  const source = join(root, 'src', 'core', folder);
  for (const name of readdirSync(source).filter((file) => file.endsWith('.wasm'))) {
    cpSync(join(source, name), join(root, 'dist', 'core', folder, name));
  }
}
const sourceNodes = join(root, 'src', 'nodes');
for (const name of readdirSync(sourceNodes)) {
  const source = join(sourceNodes, name);
  if (!existsSync(join(source, `${name}.html`))) continue;
  const nodeDir = join(root, 'dist', 'nodes', name);
  if (!existsSync(join(nodeDir, `${name}.js`))) throw new Error(`src/nodes/${name}/${name}.html has no ${name}.ts beside it`);
  cpSync(join(source, `${name}.html`), join(nodeDir, `${name}.html`));
  for (const folder of ['locales', 'icons']) {
    if (existsSync(join(source, folder))) cpSync(join(source, folder), join(nodeDir, folder), { recursive: true });
  }
  // Node-RED shows a node's inline help and ignores locales/en-US/NAME.html when both exist.
  if (existsSync(join(source, 'locales', 'en-US', `${name}.html`))) {
    throw new Error(`src/nodes/${name}/locales/en-US/${name}.html: the English help lives in src/nodes/${name}/${name}.html`);
  }
}
