import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerHostId } from '../../src/worker/host-id';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-host-id-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('a worker keeps its id across restarts on one data dir, and a worker on another data dir has another', () => {
  const a = dataDir();
  const first = workerHostId(a);
  expect(first).toMatch(/^[A-Za-z0-9-]+-[0-9a-f]{8}$/);
  expect(readFileSync(join(a, 'worker-id'), 'utf8').trim()).toBe(first);
  expect(workerHostId(a)).toBe(first);
  expect(workerHostId(dataDir())).not.toBe(first);
});

test('a data dir that does not exist yet is created', () => {
  const dir = join(dataDir(), 'nested', 'data');
  expect(workerHostId(dir)).toBe(readFileSync(join(dir, 'worker-id'), 'utf8').trim());
});
