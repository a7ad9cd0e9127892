import { join } from 'node:path';

/** The package root, from src/core/model (tsx) and dist/core/model (built) alike. */
export const PACKAGE_ROOT = join(__dirname, '..', '..', '..');

/** The model shipped in the package, trained by scripts/train-default-model.ts. */
export const DEFAULT_MODEL_DIR = join(PACKAGE_ROOT, 'models', 'default');

export function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json sits outside rootDir
  return (require(join(PACKAGE_ROOT, 'package.json')) as { version: string }).version;
}
