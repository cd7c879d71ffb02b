import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, pendingMigrations, readMigrations } from '../../src/infra/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('migrations on a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterEach(() => db.drop());

  test('apply every shipped migration once, in order', async () => {
    const shipped = readMigrations().map((m) => m.version);
    expect(await pendingMigrations(db.pool)).toEqual(shipped);
    expect(await migrate(db.pool)).toEqual(shipped);
    expect(await migrate(db.pool)).toEqual([]);
    expect(await pendingMigrations(db.pool)).toEqual([]);
    const tables = await db.pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(['webhook_deliveries', 'run_logs', 'settings']));
  });

  test('a failing migration is rolled back whole and the ones before it stay applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mig-'));
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id int);');
    writeFileSync(join(dir, '002_b.sql'), 'CREATE TABLE b (id int); SELECT * FROM no_such_table;');
    const migrations = readMigrations(dir);
    await expect(migrate(db.pool, migrations)).rejects.toThrow(/002_b failed and was rolled back/);
    expect(await pendingMigrations(db.pool, migrations)).toEqual(['002_b']);
    const b = await db.pool.query("SELECT to_regclass('b') AS t");
    expect(b.rows[0].t).toBeNull();
  });

  test('concurrent migrators apply each migration exactly once', async () => {
    const results = await Promise.all([migrate(db.pool), migrate(db.pool), migrate(db.pool)]);
    expect(results.flat().sort()).toEqual(readMigrations().map((m) => m.version));
  });
});
