import pino from 'pino';
import { Writable } from 'node:stream';
import { createPool } from '../../src/infra/postgres';
import { createRunLog, readRunLog } from '../../src/activities/run-log';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('run log in Postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  test('batches writes, keeps order and notifies listeners with the workflow id', async () => {
    const listener = await db.pool.connect();
    const notes: string[] = [];
    listener.on('notification', (n) => notes.push(`${n.channel}:${n.payload}`));
    await listener.query('LISTEN run_log');
    try {
      const log = createRunLog({ pool: db.pool, workflowId: 'acme/tiny#1', step: 'analyze', batchChars: 10 });
      for (let i = 0; i < 25; i++) await log.write(`line ${i}\n`);
      await log.close();
      const rows = await readRunLog(db.pool, 'acme/tiny#1', 'analyze');
      expect(rows.map((r) => r.chunk).join('')).toBe(Array.from({ length: 25 }, (_, i) => `line ${i}\n`).join(''));
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.length).toBeLessThan(25);
      expect(rows.every((r) => r.stream === 'stdout')).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(notes.length).toBeGreaterThan(0);
      expect(new Set(notes)).toEqual(new Set(['run_log:acme/tiny#1']));
    } finally {
      listener.release();
    }
  });

  test('a quiet stream is flushed by its timer; secrets and NUL bytes never reach the table', async () => {
    const log = createRunLog({ pool: db.pool, workflowId: 'acme/tiny#2', step: 'test-1', stream: 'stderr', secrets: ['hunter2-secret'], flushMs: 50 });
    await log.write('password is hunter2-secret\u0000!\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(await readRunLog(db.pool, 'acme/tiny#2')).toEqual([{ step: 'test-1', stream: 'stderr', chunk: 'password is [redacted]!\n' }]);
    await log.close();
  });

  test('a database that is down loses the log, not the run, and says so once', async () => {
    let warnings = '';
    const logger = pino({ level: 'warn' }, new Writable({ write: (c, _e, cb) => ((warnings += String(c)), cb()) }));
    const dead = createPool('postgres://nobody:nothing@127.0.0.1:1/none', 1);
    const log = createRunLog({ pool: dead, workflowId: 'w', step: 's', batchChars: 4, logger });
    await log.write('hello');
    await log.write('world');
    await expect(log.close()).resolves.toBeUndefined();
    expect(warnings.match(/run log write failed/g)).toHaveLength(1);
    await dead.end();
  });
});
