import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities, AgentRunInput, AgentRunResult } from '../../../src/activities/types';

/** Runs one agent step as the issue workflow would, for tests of runAgent under a real Worker. */
export async function agentStepWorkflow(input: AgentRunInput, heartbeatTimeout: string): Promise<AgentRunResult> {
  const { runAgent } = proxyActivities<AgentActivities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout,
    retry: { maximumAttempts: 1 },
    // Wait for the activity to finish cancelling, so the test sees the processes gone when the workflow ends.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return runAgent(input);
}
