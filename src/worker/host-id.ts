import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * This worker's id, kept in its data dir: the worktrees live there, so a worker restarted on the same
 * data dir is the same host and takes up the steps already sent to its task queues; a worker on another
 * data dir (another machine) gets an id of its own. Written once, with `wx` so two processes starting on
 * one data dir at once agree on the first one written.
 */
export function workerHostId(dataDir: string): string {
  const file = join(dataDir, 'worker-id');
  const read = () => readFileSync(file, 'utf8').trim();
  try {
    return read();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const id = `${hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
    try {
      writeFileSync(file, `${id}\n`, { flag: 'wx' });
    } catch {
      // Written meanwhile by another process on this data dir: use its id.
    }
    return read();
  }
}
