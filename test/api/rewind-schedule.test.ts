import { Worker } from '@temporalio/worker';
import { createRewindActivities } from '../../src/activities/rewind';
import { ensureRewindSchedule, removeRewindSchedule, REWIND_SCHEDULE_ID } from '../../src/api/schedules';
import { loadConfig } from '../../src/config';
import { createHarness, runScheduleOnce, TASK_QUEUE, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

describe('the rewind sweep', () => {
  it('is one schedule of rewindWorkflow every 5 minutes, one run at a time, ensured idempotently', async () => {
    expect(await ensureRewindSchedule(h.client, { taskQueue: TASK_QUEUE })).toBe('created');
    expect(await ensureRewindSchedule(h.client, { taskQueue: TASK_QUEUE })).toBe('updated');
    const d = await h.client.schedule.getHandle(REWIND_SCHEDULE_ID).describe();
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'rewindWorkflow', taskQueue: TASK_QUEUE });
    expect(d.spec.intervals).toEqual([{ every: 5 * 60_000, offset: 2 * 60_000 }]);
    expect(d.policies.overlap).toBe('SKIP');
  });

  it('its workflow sweeps the running issue workflows with the activity', async () => {
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: createRewindActivities({ client: h.client, workflowCode: async () => ({ workflowsPath: require.resolve('../../src/workflows') }) }),
    });
    await worker.runUntil(async () => {
      const result = await runScheduleOnce(h, REWIND_SCHEDULE_ID);
      expect(result).toEqual({ checked: 0, rewound: [], left: [] });
    });
  });

  it('REWIND_STUCK=off deletes the schedule (on by default)', async () => {
    expect(loadConfig({}).rewindStuck).toBe(true);
    expect(loadConfig({ REWIND_STUCK: 'off' }).rewindStuck).toBe(false);
    await ensureRewindSchedule(h.client, { taskQueue: TASK_QUEUE });
    expect(await removeRewindSchedule(h.client)).toBe('removed');
    await expect(h.client.schedule.getHandle(REWIND_SCHEDULE_ID).describe()).rejects.toThrow(/not found/i);
    expect(await removeRewindSchedule(h.client)).toBe('none');
  });
});
