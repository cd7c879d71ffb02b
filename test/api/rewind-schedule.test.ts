import { Worker } from '@temporalio/worker';
import { createRewindActivities } from '../../src/activities/rewind';
import { ensureRewindSchedule, REWIND_SCHEDULE_ID } from '../../src/api/schedules';
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
});
