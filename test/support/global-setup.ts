import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** One real embedded PostgreSQL for the whole test run; each test file makes its own database in it. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-test-pg-'));
  // The postgres user (when running as root) must be able to enter the folder.
  require('node:fs').chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
  process.env.ISSUEFLOW_TEST_PG_URL = pg.url;
  (globalThis as Record<string, unknown>).__issueflowTestPg = pg;
}
