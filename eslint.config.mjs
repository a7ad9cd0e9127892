// Lint rules for the TypeScript and the plain-JavaScript scripts; formatting is prettier's (eslint-config-prettier
// turns off the rules that would argue with it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  // assembly/ is AssemblyScript (scripts/build-wasm.mjs): TypeScript's syntax, not its types or rules
  { ignores: ['assembly/', 'dist/', 'node_modules/', 'test-artifacts/', '.demo-userdir/', 'docs/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    // Node-RED's convention: a node's constructor keeps `this` as `node` for its callbacks.
    files: ['src/nodes/**/*.ts'],
    rules: { '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }] },
  },
  {
    // Node-RED's core nodes (Catch, Status, ...) are CommonJS without type definitions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^@node-red/nodes/'] }] },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
