import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';

export const RETENTION_SCHEDULE_ID = 'issueflow-retention';
export const REWIND_SCHEDULE_ID = 'issueflow-rewind';

export interface RetentionScheduleOptions {
  /** The main task queue (config.temporal.taskQueue), where the retention activity is registered. */
  taskQueue: string;
  /** config.logRetentionDays */
  retentionDays: number;
  scheduleId?: string;
}

// Daily at 03:17 UTC: off the hour, when few issues are being worked on.
const DAILY: ScheduleSpec = { calendars: [{ hour: 3, minute: 17, comment: 'daily log retention' }] };

// Every 5 minutes: a stuck issue waits at most that long to be rewound.
const EVERY_FIVE_MINUTES: ScheduleSpec = { intervals: [{ every: '5 minutes', offset: '2 minutes' }] };

/**
 * Creates the daily retention Schedule, or brings an existing one up to date (task queue, days):
 * safe to call at every start-up of every API process.
 */
export function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? RETENTION_SCHEDULE_ID;
  return ensureSchedule(client, scheduleId, {
    spec: DAILY,
    action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: `${scheduleId}-run`, taskQueue: options.taskQueue, args: [{ retentionDays: options.retentionDays }] },
    catchupWindow: '1 day',
    note: `Deletes run logs and webhook deliveries older than LOG_RETENTION_DAYS (${options.retentionDays}).`,
  });
}

/**
 * Creates the schedule that rewinds workflows whose history does not replay (src/activities/rewind.ts), or brings
 * it up to date: safe to call at every start-up of every API process.
 */
export function ensureRewindSchedule(client: Client, options: { taskQueue: string; scheduleId?: string }): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? REWIND_SCHEDULE_ID;
  return ensureSchedule(client, scheduleId, {
    spec: EVERY_FIVE_MINUTES,
    action: { type: 'startWorkflow', workflowType: 'rewindWorkflow', workflowId: `${scheduleId}-run`, taskQueue: options.taskQueue, args: [] },
    catchupWindow: '5 minutes',
    note: 'Rewinds issue workflows whose history their worker cannot replay to the first task that replays differently.',
  });
}

/** REWIND_STUCK=off: the rewind schedule is deleted if there is one (an operator who turns it off means every process). */
export async function removeRewindSchedule(client: Client, scheduleId = REWIND_SCHEDULE_ID): Promise<'removed' | 'none'> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return 'removed';
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return 'none';
    throw error;
  }
}

/** Creates a schedule that runs one at a time (overlap SKIP), or updates its spec and action if it exists. */
async function ensureSchedule(
  client: Client,
  scheduleId: string,
  o: { spec: ScheduleSpec; action: ScheduleOptionsAction; catchupWindow: string; note: string },
): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ scheduleId, spec: o.spec, action: o.action, policies: { overlap: 'SKIP', catchupWindow: o.catchupWindow }, state: { note: o.note } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: o.spec, action: o.action }));
    return 'updated';
  }
}
