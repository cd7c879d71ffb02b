import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ISSUE_WORKFLOW_TYPE } from '../domain/ids';
import type { SignalDecision, WebhookDecision } from '../domain/webhook-routing';
import type { SignalDefinition } from '@temporalio/common';
import { ISSUE_SIGNALS, type IssueWorkflowInput } from '../workflows/messages';
// Pure option-building beside the workflow (no workflow code): the API starts issues without loading the workflow bundle.
import { workflowStartOptions } from '../workflows/start-options';

export { ISSUE_WORKFLOW_TYPE } from '../domain/ids';

export type ActionOutcome =
  | { outcome: 'started'; workflowId: string; runId: string }
  | { outcome: 'already-running'; workflowId: string }
  | { outcome: 'signaled'; workflowId: string; signal: string }
  | { outcome: 'cancel-requested'; workflowId: string }
  | { outcome: 'ignored'; reason: string; workflowId?: string };

/**
 * Starts an issue's workflow. One per issue: a second trigger while it runs fails with "already
 * started" (conflict policy FAIL) and is reported, not duplicated; a finished one may run again.
 */
async function startIssueWorkflow(client: Client, taskQueue: string, workflowId: string, input: IssueWorkflowInput): Promise<ActionOutcome> {
  try {
    const handle = await client.workflow.start(ISSUE_WORKFLOW_TYPE, {
      ...workflowStartOptions(input),
      workflowId,
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return { outcome: 'started', workflowId, runId: handle.firstExecutionRunId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'already-running', workflowId };
    throw error;
  }
}

/** Each routed signal's definition, by wire name: the compiler holds the arguments to the workflow's own. */
export const SIGNALS: { [N in SignalDecision['name']]: SignalDefinition<[Extract<SignalDecision, { name: N }>['args']]> } = ISSUE_SIGNALS;

/** Signals an issue's running workflow; a missing or finished one is reported as ignored, not an error. */
async function signalIssueWorkflow(client: Client, workflowId: string, signal: SignalDecision): Promise<ActionOutcome> {
  try {
    await client.workflow.getHandle(workflowId).signal(SIGNALS[signal.name] as SignalDefinition<[typeof signal.args]>, signal.args);
    return { outcome: 'signaled', workflowId, signal: signal.name };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { outcome: 'ignored', workflowId, reason: `no running workflow ${workflowId} for the ${signal.name} signal` };
    throw error;
  }
}

/** Requests cancellation of an issue's workflow; a missing or finished one is reported as ignored. */
async function cancelIssueWorkflow(client: Client, workflowId: string): Promise<ActionOutcome> {
  try {
    await client.workflow.getHandle(workflowId).cancel();
    return { outcome: 'cancel-requested', workflowId };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { outcome: 'ignored', workflowId, reason: `no running workflow ${workflowId} to cancel` };
    throw error;
  }
}

/** Carries out a routing decision against Temporal. Throws only when Temporal itself failed. */
export async function applyDecision(client: Client, taskQueue: string, decision: WebhookDecision): Promise<ActionOutcome> {
  switch (decision.kind) {
    case 'ignore':
      return { outcome: 'ignored', reason: decision.reason };
    case 'cancel': {
      // Signal first: the run reads why before the cancellation reaches it. No run, nothing to cancel.
      const told = decision.signal && (await signalIssueWorkflow(client, decision.workflowId, decision.signal));
      if (told && told.outcome === 'ignored') return told;
      return cancelIssueWorkflow(client, decision.workflowId);
    }
    case 'signal':
      return signalIssueWorkflow(client, decision.workflowId, decision.signal);
    case 'start': {
      const started = await startIssueWorkflow(client, taskQueue, decision.workflowId, decision.input);
      if (started.outcome === 'already-running' && decision.orSignal) return signalIssueWorkflow(client, decision.workflowId, decision.orSignal);
      return started;
    }
  }
}
