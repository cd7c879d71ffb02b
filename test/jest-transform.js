// swc compiles our TypeScript and the ESM-only dependencies to CommonJS for Jest. ESM files that
// declare their own `__dirname`/`__filename` (from import.meta.url) would clash with the CommonJS
// wrapper's parameters, so those declarations become assignments to the wrapper's own (same-valued) parameters.
const { createTransformer } = require('@swc/jest');
const swc = createTransformer({
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
});
const clash = /\b(const|let|var)\s+(__dirname|__filename)\s*=/g;
module.exports = {
  ...swc,
  process(src, filename, options) {
    const out = swc.process(src, filename, options);
    if (!filename.includes('node_modules') || !clash.test(out.code)) return out;
    return { ...out, code: out.code.replace(clash, (_m, _kw, name) => `${name} =`) };
  },
  getCacheKey(src, filename, options) {
    return swc.getCacheKey(src, filename, options) + 'dirname-v2';
  },
};
