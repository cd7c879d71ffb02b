import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildApp } from '../../../src/api/app';
import { databaseCheck, migrationsCheck, namespaceCheck, temporalCheck } from '../../../src/api/health-checks';
import { createLogger } from '../../../src/logger';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { createLocalEnv } from '../../support/temporal';

const logger = createLogger({ level: 'silent' });

describe('health on a real Temporal dev server and PostgreSQL', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  beforeAll(async () => {
    env = await createLocalEnv();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    await env.teardown();
  });

  const checksFor = (connection: Connection, pool = db.pool, namespace = 'default') => [
    temporalCheck(connection),
    namespaceCheck(connection, namespace),
    databaseCheck(pool),
    migrationsCheck(pool),
  ];

  test('/health answers while the process is up; /health/ready when every part is usable', async () => {
    const app = await buildApp({ logger, checks: checksFor(env.connection) });
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', failing: [], checks: { temporal: { ok: true }, namespace: { ok: true }, database: { ok: true }, migrations: { ok: true } } });
    await app.close();
  });

  test('an unknown namespace is named as the failing part', async () => {
    const app = await buildApp({ logger, checks: checksFor(env.connection, db.pool, 'no-such-namespace') });
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json().failing).toEqual(['namespace']);
    await app.close();
  });

  test('unapplied migrations and an unreachable database are named', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const app = await buildApp({ logger, checks: checksFor(env.connection, fresh.pool) });
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json().failing).toEqual(['migrations']);
    expect(res.json().checks.migrations.detail).toMatch(/not applied: 001_init/);
    await fresh.drop(); // ends the pool: the database is now unreachable for this app
    const down = await app.inject('/health/ready');
    expect(down.json().failing).toEqual(expect.arrayContaining(['database', 'migrations']));
    await app.close();
  });

  test('an unreachable Temporal server is named', async () => {
    const dead = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
    const app = await buildApp({ logger, checks: checksFor(dead) });
    const res = await app.inject('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json().failing).toEqual(expect.arrayContaining(['temporal', 'namespace']));
    expect(res.json().failing).not.toContain('database');
    await app.close();
  });
});
