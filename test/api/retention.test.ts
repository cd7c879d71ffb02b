import { Worker } from '@temporalio/worker';
import { createRetentionActivities } from '../../src/activities/retention';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../src/api/schedules';
import { createHarness, runScheduleOnce, TASK_QUEUE, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

async function seed() {
  const q = (sql: string) => h.db.pool.query(sql);
  await q("INSERT INTO run_logs (workflow_id, step, chunk, created_at) VALUES ('o/r#1', 'analyze', 'old', now() - interval '8 days'), ('o/r#1', 'analyze', 'new', now() - interval '6 days')");
  await q("INSERT INTO webhook_deliveries (delivery_id, event, received_at) VALUES ('old', 'issues', now() - interval '8 days'), ('new', 'issues', now())");
}

describe('log retention', () => {
  it('ensures one daily schedule of retentionWorkflow, idempotently, updating the days', async () => {
    expect(await ensureRetentionSchedule(h.client, { taskQueue: TASK_QUEUE, retentionDays: 7 })).toBe('created');
    expect(await ensureRetentionSchedule(h.client, { taskQueue: TASK_QUEUE, retentionDays: 3 })).toBe('updated');
    const d = await h.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: TASK_QUEUE, args: [{ retentionDays: 3 }] });
    expect(d.spec.calendars).toMatchObject([{ hour: [{ start: 3 }], minute: [{ start: 17 }] }]);
    const all = [];
    for await (const s of h.client.schedule.list()) all.push(s.scheduleId);
    expect(all).toEqual([RETENTION_SCHEDULE_ID]);
  });

  it('the scheduled workflow deletes run logs and deliveries older than the retention days', async () => {
    await seed();
    await ensureRetentionSchedule(h.client, { taskQueue: TASK_QUEUE, retentionDays: 7 });
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../../src/workflows/retention-workflow'),
      activities: createRetentionActivities({ pool: h.db.pool }),
    });
    await worker.runUntil(async () => {
      const result = await runScheduleOnce(h, RETENTION_SCHEDULE_ID);
      expect(result).toEqual({ runLogs: 1, deliveries: 1 });
    });
    expect((await h.db.pool.query('SELECT chunk FROM run_logs')).rows).toEqual([{ chunk: 'new' }]);
    expect((await h.db.pool.query('SELECT delivery_id FROM webhook_deliveries')).rows).toEqual([{ delivery_id: 'new' }]);
  });
});
