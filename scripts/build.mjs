// Compiles the TypeScript and lays out each node as Node-RED loads it:
// dist/nodes/NAME/NAME.js beside NAME.html, locales/LANG/NAME.json and icons/ (Node-RED looks for
// icons only in an icons folder beside each node's file).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
for (const file of readdirSync(join(root, 'nodes'))) {
  if (!file.endsWith('.html')) continue;
  const name = file.slice(0, -'.html'.length);
  const nodeDir = join(root, 'dist', 'nodes', name);
  if (!existsSync(nodeDir)) throw new Error(`nodes/${file} has no src/nodes/${name}/${name}.ts`);
  cpSync(join(root, 'nodes', file), join(nodeDir, file));
  cpSync(join(root, 'icons'), join(nodeDir, 'icons'), { recursive: true });
  for (const lang of readdirSync(join(root, 'locales'))) {
    // Node-RED shows a node's inline help and ignores locales/en-US/NAME.html when both exist.
    if (existsSync(join(root, 'locales', lang, file)) && lang === 'en-US') {
      throw new Error(`locales/${lang}/${file}: the English help lives in nodes/${file}`);
    }
    const catalog = join(root, 'locales', lang, `${name}.json`);
    if (!existsSync(catalog)) continue;
    mkdirSync(join(nodeDir, 'locales', lang), { recursive: true });
    cpSync(catalog, join(nodeDir, 'locales', lang, `${name}.json`));
  }
}
