// Some dependencies (execa's, Octokit's) are ESM-only and export only an "import" condition.
// Jest resolves with "require"; when that finds nothing, try again as an import so swc can
// compile the ESM file to CommonJS like the rest of the test code.
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
  }
};
