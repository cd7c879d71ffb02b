// `npm start`'s prestart: compiles src/ to dist/ only when something changed since the last build, so a
// restart with nothing changed does not pay for a full `tsc` run. Stale when any file or folder under
// src/ (a folder's time changes when a file in it is added, removed or renamed), a tsconfig or the
// lockfile is newer than dist/.build-stamp, written only after a build without errors (tsc emits even
// with type errors: the next start compiles again and stops on them, as every start used to).
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');

/** The newest modification time of `path`, and of everything under it when it is a folder. */
function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Whether dist/ is older than any input of the build (or missing). */
function isStale() {
  const built = statSync(STAMP, { throwIfNoEntry: false });
  if (!built) return true;
  const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => newestMtime(join(ROOT, p)));
  return Math.max(...inputs) > built.mtimeMs;
}

if (process.argv.includes('--force') || isStale()) {
  process.stderr.write('src/ changed since the last build: compiling (npm run build)\n');
  const started = new Date();
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  } catch (error) {
    process.exit(error.status || 1);
  }
  // Dated when the build began: a file saved while tsc ran is newer, so the next start compiles it.
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}

// The workflow bundle, so the worker does not bundle at each start: again whenever dist/ changed since.
const bundle = require(join(ROOT, 'dist', 'worker', 'workflow-bundle.js'));
if (!bundle.prebuiltWorkflowBundle()) {
  process.stderr.write('bundling the workflows (dist/workflow-bundle.js)\n');
  bundle.writeWorkflowBundle().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
