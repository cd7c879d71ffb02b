import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createPool } from '../../src/infra/postgres';
import { migrate } from '../../src/infra/migrate';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database in the run's embedded PostgreSQL (see global-setup.ts). */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.ISSUEFLOW_TEST_PG_URL;
  if (!adminUrl) throw new Error('ISSUEFLOW_TEST_PG_URL is not set: run the tests with jest (global-setup.ts starts PostgreSQL).');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = createPool(adminUrl, 1);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const pool = createPool(url, 5);
  if (options.migrate !== false) await migrate(pool);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const a = createPool(adminUrl, 1);
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** `pool` itself, counting the statements sent through it (their text, in order). */
export function countedPool(pool: Pool): { pool: Pool; statements: string[] } {
  const statements: string[] = [];
  const counting = new Proxy(pool, {
    get(target, key) {
      if (key !== 'query') return Reflect.get(target, key);
      return (text: string, values: unknown[]) => {
        statements.push(text);
        return target.query(text, values);
      };
    },
  });
  return { pool: counting, statements };
}

/** A fresh database for the test file: made before its tests, dropped after them; the getter reads it. */
export function useTestDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());
  return () => db!;
}
