import { ScheduleAlreadyRunning, type Client, type ScheduleSpec } from '@temporalio/client';

export const RETENTION_SCHEDULE_ID = 'issueflow-retention';
const RETENTION_WORKFLOW_TYPE = 'retentionWorkflow';

export interface RetentionScheduleOptions {
  /** The main task queue (config.temporal.taskQueue), where the retention activity is registered. */
  taskQueue: string;
  /** config.logRetentionDays */
  retentionDays: number;
  scheduleId?: string;
}

// Daily at 03:17 UTC: off the hour, when few issues are being worked on.
const DAILY: ScheduleSpec = { calendars: [{ hour: 3, minute: 17, comment: 'daily log retention' }] };

/**
 * Creates the daily retention Schedule, or brings an existing one up to date (task queue, days):
 * safe to call at every start-up of every API process.
 */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? RETENTION_SCHEDULE_ID;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RETENTION_WORKFLOW_TYPE,
    workflowId: `${scheduleId}-run`,
    taskQueue: options.taskQueue,
    args: [{ retentionDays: options.retentionDays }],
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: DAILY,
      action,
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
      state: { note: `Deletes run logs and webhook deliveries older than LOG_RETENTION_DAYS (${options.retentionDays}).` },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: DAILY, action }));
    return 'updated';
  }
}

export const REWIND_SCHEDULE_ID = 'issueflow-rewind';

// Every 5 minutes: a stuck issue waits at most that long to be rewound.
const EVERY_FIVE_MINUTES: ScheduleSpec = { intervals: [{ every: '5 minutes', offset: '2 minutes' }] };

/**
 * Creates the schedule that rewinds workflows whose history does not replay (src/activities/rewind.ts), or brings
 * it up to date: safe to call at every start-up of every API process. One sweep at a time (overlap SKIP).
 */
export async function ensureRewindSchedule(client: Client, options: { taskQueue: string; scheduleId?: string }): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? REWIND_SCHEDULE_ID;
  const action = { type: 'startWorkflow' as const, workflowType: 'rewindWorkflow', workflowId: `${scheduleId}-run`, taskQueue: options.taskQueue, args: [] };
  try {
    await client.schedule.create({
      scheduleId,
      spec: EVERY_FIVE_MINUTES,
      action,
      policies: { overlap: 'SKIP', catchupWindow: '5 minutes' },
      state: { note: 'Rewinds issue workflows whose history their worker cannot replay to the first task that replays differently.' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: EVERY_FIVE_MINUTES, action }));
    return 'updated';
  }
}
