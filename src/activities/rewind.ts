import { heartbeat, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { failsOnNondeterminism, firstDivergentTask, resetsSoFar, taskCuts, type TaskCut, type TaskEvent } from '../domain/reset-point';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Workflow code to replay with: a bundle, or the path of the workflows' sources. */
export type WorkflowCode = { workflowBundle: WorkflowBundleOption } | { workflowsPath: string };

/** What one sweep did with each issue whose workflow tasks kept failing. */
export interface RewindReport {
  /** Running workflows looked at. */
  checked: number;
  rewound: Array<{ workflowId: string; runId: string; toEvent: number; newRunId: string }>;
  /** Stuck, but not rewound: why. */
  left: Array<{ workflowId: string; why: string }>;
}

export interface RewindActivities {
  /**
   * Finds the running workflows (of `workflowTypes`) whose workflow task keeps failing on nondeterminism and rewinds
   * each to the first workflow task whose commands this worker's code does not give again (found by replaying the
   * history cut after each task). A reset keeps the signals after that point and runs the activities since again
   * (they are idempotent). At most `maxRewinds` per workflow: a history rewound that often needs a person.
   */
  rewindDivergedWorkflows(input: { workflowTypes: string[]; maxRewinds: number }): Promise<RewindReport>;
}

export interface RewindDeps {
  client: Client;
  /** This worker's workflow code, as its workflow worker runs it (replays must use the same code). */
  workflowCode: () => Promise<WorkflowCode>;
}

/** A workflow task that failed this many times running is stuck: a single failure may be a worker that was lost. */
const STUCK_AT_ATTEMPT = 2;

export function createRewindActivities(deps: RewindDeps): RewindActivities {
  return {
    async rewindDivergedWorkflows({ workflowTypes, maxRewinds }) {
      const report: RewindReport = { checked: 0, rewound: [], left: [] };
      const types = workflowTypes.map((t) => `'${t.replace(/[^A-Za-z0-9_]/g, '')}'`).join(', ');
      for await (const wf of deps.client.workflow.list({ query: `ExecutionStatus = 'Running' AND WorkflowType IN (${types})` })) {
        report.checked++;
        heartbeat(report.checked);
        try {
          const described = await deps.client.workflow.getHandle(wf.workflowId, wf.runId).describe();
          if ((described.raw.pendingWorkflowTask?.attempt ?? 0) < STUCK_AT_ATTEMPT) continue;
          const outcome = await rewindOne(deps, wf.workflowId, wf.runId, maxRewinds);
          if ('why' in outcome) report.left.push({ workflowId: wf.workflowId, why: outcome.why });
          else report.rewound.push(outcome);
        } catch (err) {
          // One workflow that cannot be read or reset (ended meanwhile, deleted) does not hold up the others.
          log.warn('the rewind sweep could not look at a workflow', { workflowId: wf.workflowId, error: err instanceof Error ? err.message : String(err) });
          report.left.push({ workflowId: wf.workflowId, why: `could not be looked at: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
        }
      }
      return report;
    },
  };
}

async function rewindOne(deps: RewindDeps, workflowId: string, runId: string, maxRewinds: number): Promise<RewindReport['rewound'][number] | { why: string }> {
  const history = await deps.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const taskEvents = events.map(taskEvent);
  if (!failsOnNondeterminism(taskEvents)) return { why: 'its workflow task fails on something other than nondeterminism' };
  if (resetsSoFar(taskEvents) >= maxRewinds) {
    log.error('a workflow that does not replay was rewound too often already: it needs a person', { workflowId, runId, maxRewinds });
    return { why: `rewound ${maxRewinds} times already` };
  }
  const cut = await firstTaskThatDoesNotReplay(events, workflowId, await deps.workflowCode());
  if (!cut) return { why: 'its whole history replays on this worker: the failing worker runs other code' };
  // A sweep retried after its reset went through finds a newer run: resetting the old one again would end the new one.
  const current = await deps.client.workflow.getHandle(workflowId).describe();
  if (current.runId !== runId) return { why: 'rewound already (a newer run is current)' };
  const reason = `issueflow: this run's history did not replay from workflow task ${cut.completedId} on; rewound to decide again from there`;
  const request = temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
    namespace: deps.client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason,
    workflowTaskFinishEventId: cut.completedId,
    requestId: `${runId}/${cut.completedId}`,
  });
  const { runId: newRunId } = await (deps.client.workflowService.resetWorkflowExecution(request) as Promise<temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse>);
  log.warn('rewound a workflow whose history did not replay', { workflowId, runId, toEvent: cut.completedId, newRunId });
  return { workflowId, runId, toEvent: cut.completedId, newRunId: newRunId ?? '' };
}

/**
 * The first workflow task of `events` whose commands `code` does not give again: the history cut after each task is
 * replayed, halving (src/domain/reset-point.ts). Undefined when the whole history replays.
 */
export function firstTaskThatDoesNotReplay(events: HistoryEvent[], workflowId: string, code: WorkflowCode): Promise<TaskCut | undefined> {
  return firstDivergentTask(taskCuts(events.map(taskEvent)), async (c) => {
    try {
      await Worker.runReplayHistory({ ...code, replayName: `rewind ${workflowId}` }, { events: events.filter((e) => Number(e.eventId) < c.endBefore) }, workflowId);
      return true;
    } catch (err) {
      // The SDK's DeterminismViolationError (from @temporalio/workflow, which has no place outside the sandbox).
      if (err instanceof Error && err.name === 'DeterminismViolationError') return false;
      throw err;
    }
  });
}

/** What the choice of a reset point needs of a history event (src/domain/reset-point.ts). */
export function taskEvent(e: HistoryEvent): TaskEvent {
  const id = Number(e.eventId);
  switch (e.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
      return { id, kind: 'task-started' };
    case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      return { id, kind: 'task-completed' };
    case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: {
      const cause = e.workflowTaskFailedEventAttributes?.cause;
      const kind = cause === WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR ? 'nondeterminism' : cause === WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW ? 'reset' : 'other';
      return { id, kind: 'task-failed', cause: kind };
    }
    default:
      return { id, kind: 'other' };
  }
}
