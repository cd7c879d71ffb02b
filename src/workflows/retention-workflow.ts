import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionResult } from '../activities/retention';

const { purgeExpiredRecords } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5 },
});

export interface RetentionWorkflowInput {
  retentionDays: number;
}

/** Run daily by the `issueflow-retention` schedule: drops run logs and webhook deliveries past LOG_RETENTION_DAYS. */
export async function retentionWorkflow(input: RetentionWorkflowInput): Promise<RetentionResult> {
  return purgeExpiredRecords({ retentionDays: input.retentionDays });
}
