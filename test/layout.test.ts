import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEST = __dirname;
const SRC = join(__dirname, '..', 'src');
/** Folders that hold what the suites use, whole-system suites, or suites of a top-level folder (bench/), not of one src folder. */
const NOT_MIRRORED = new Set(['support', 'e2e', 'docs', 'fixtures', 'histories', 'harness', 'bench']);

/** The folders below `dir` that hold at least one suite, relative to test/. */
function suiteFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name.endsWith('.test.ts')) ? [relative(TEST, dir)] : [];
  const below = entries.filter((e) => e.isDirectory() && !NOT_MIRRORED.has(e.name)).flatMap((e) => suiteFolders(join(dir, e.name)));
  return [...here, ...below];
}

test('test/ mirrors src/: every folder of suites stands where a src folder of the same path does', () => {
  const folders = suiteFolders(TEST);
  expect(folders).toEqual(expect.arrayContaining(['activities/agent', 'api/routes/jobs', 'workflows']));
  expect(folders.filter((f) => !existsSync(join(SRC, f)))).toEqual([]);
});
