import type { Pool } from 'pg';
import { deleteDeliveriesOlderThan } from '../store/deliveries';
import { deleteRunLogsOlderThan } from '../store/run-logs-read';

export interface RetentionResult {
  runLogs: number;
  deliveries: number;
}

export interface RetentionActivities {
  /** Deletes run-log lines and webhook deliveries older than `retentionDays`. Idempotent. */
  purgeExpiredRecords(input: { retentionDays: number }): Promise<RetentionResult>;
}

/** The retention activity; `retentionDays` comes from the schedule's arguments (LOG_RETENTION_DAYS). */
export function createRetentionActivities(deps: { pool: Pool }): RetentionActivities {
  return {
    async purgeExpiredRecords({ retentionDays }) {
      const runLogs = await deleteRunLogsOlderThan(deps.pool, retentionDays);
      const deliveries = await deleteDeliveriesOlderThan(deps.pool, retentionDays);
      return { runLogs, deliveries };
    },
  };
}
