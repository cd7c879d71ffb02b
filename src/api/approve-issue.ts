import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { IssueState } from '../domain/states';
import { approveUpdate, type ApproveUpdateArgs } from '../workflows/messages';

/** What an approval through the API came to: approved (the plan goes ahead), or why there was nothing to approve. */
export type ApproveOutcome = { approved: true; state: IssueState } | { approved: false; reason: string };

/** How long the API waits for a worker to answer the approve Update before it gives up (504). */
export const APPROVE_DEADLINE_MS = 10_000;

/**
 * Runs the issue workflow's `approve` Update. The workflow's validator rejects an approval when no plan
 * waits (nothing reaches the history); an older handler answers `accepted: false`: both are "nothing to
 * approve". Throws WorkflowNotFoundError, and WorkflowUpdateRPCTimeoutOrCancelledError when no worker
 * answered within `deadlineMs` (the Update may still be delivered when one polls).
 */
export async function approveIssue(client: Client, workflowId: string, args: ApproveUpdateArgs, deadlineMs = APPROVE_DEADLINE_MS): Promise<ApproveOutcome> {
  try {
    const result = await client.withDeadline(Date.now() + deadlineMs, () => client.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [args] }));
    return result.accepted ? { approved: true, state: result.state } : { approved: false, reason: result.reason ?? `nothing to approve: the issue is ${result.state}` };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return { approved: false, reason: error.cause?.message ?? error.message };
    throw error;
  }
}
