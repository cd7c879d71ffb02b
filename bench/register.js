// `node -r ./bench/register.js bench/webhooks.ts`: compiles our TypeScript on load with @swc/core
// (already installed for Jest), the same way test/jest-transform.js does. ESM-only dependencies load
// through Node's own require(esm) (Node >= 20.19), so only .ts files go through swc.
const { transformSync } = require('@swc/core');
const Module = require('node:module');
const { readFileSync } = require('node:fs');

Module._extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
