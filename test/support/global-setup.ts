import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/infra/postgres';
import { freePort } from './ports';

/** One real embedded PostgreSQL for the whole test run; each test file makes its own database in it. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-test-pg-'));
  // The postgres user (when running as root) must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
  process.env.ISSUEFLOW_TEST_PG_URL = pg.url;
  (globalThis as Record<string, unknown>).__issueflowTestPg = pg;
}
