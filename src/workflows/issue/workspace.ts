import { FAILURE_TYPES } from '../../domain/failure-types';
import { ActivityFailure, ApplicationFailure, log, patched, TimeoutFailure } from '@temporalio/workflow';
import { issueBranch } from '../../domain/ids';
import { heartbeatSession } from '../../domain/agent-session';
import type { Flow } from './flow';
import type { Phase } from './phases';
import { summary } from './publish';

/**
 * The worktree of the issue and the worker ("host") that holds it. One round, one host (FlowState keeps
 * `workspaceUsed`, `workspaceReady` and `host`). A round's first step, the prepare, goes
 * to the shared queue, and whichever worker takes it holds the worktree; the round's other workspace steps
 * and agent runs then go to that worker's own queues (activities.ts) until the host is lost.
 */

/** Heartbeat losses in a row (a step running when its host went silent) before the issue escalates as before. */
const MAX_HOST_LOSSES = 3;

/** FAILURE_TYPES.hostBusy (workflows see the activities' module only as types). */
const HOST_BUSY = FAILURE_TYPES.hostBusy;

/** Asked only when a host was lost: runs recorded before hosts escalated such a failure, and still do. */
export const HOST_MOVES_PATCH = 'round-moves-to-another-host';

/** The worktree exists (rebuilt from the pushed branch after a long wait, a new run or on a new host). */
export async function ensureWorkspace(flow: Flow): Promise<void> {
  const { state } = flow;
  if (state.data.workspaceReady) return;
  const prepared = await flow.acts.prepareWorkspace.executeWithOptions({ summary: summary(flow, 'prepare workspace') }, [
    { ref: state.ref, branch: issueBranch(state.ref.issueNumber) },
  ]);
  // Absent from workers before hosts (and from a history recorded then): the steps stay on the shared queues.
  state.workspacePrepared(prepared.host, prepared.rebuilt);
}

/** How `err` says the round's host is gone (a step not started, or one that stopped heartbeating, or busy slots); else undefined. */
export function hostGone(err: unknown): 'SCHEDULE_TO_START' | 'HEARTBEAT' | typeof HOST_BUSY | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const timeout = cause instanceof TimeoutFailure ? cause.timeoutType : cause instanceof ApplicationFailure && cause.type === HOST_BUSY ? HOST_BUSY : undefined;
  return timeout === 'SCHEDULE_TO_START' || timeout === 'HEARTBEAT' || timeout === HOST_BUSY ? timeout : undefined;
}

/**
 * When `err` says the round's host is gone, forgets it and returns the phase to run again on another host
 * (whose prepare rebuilds the worktree from the pushed branch); else undefined, and the failure escalates.
 * Gone: a step did not start on the host's queue in time (schedule-to-start), or one that ran stopped
 * heartbeating (the worker died with it); or the host's agent slots stayed busy (HostBusy). A step that
 * never started (or only waited) costs nothing to move, so those moves are not counted; a host lost mid-step MAX_HOST_LOSSES times in a row escalates (something kills hosts).
 */
export function moveRound(flow: Flow, phase: Phase, err: unknown): Phase | undefined {
  const timeout = hostGone(err);
  if (!timeout) return undefined;
  if (!patched(HOST_MOVES_PATCH)) return undefined;
  const { state } = flow;
  if (timeout === 'HEARTBEAT' && state.countHostLoss() > MAX_HOST_LOSSES) return undefined;
  log.warn('the round lost its host; it runs again on another', { host: state.data.host, phase, timeout, activity: (err as ActivityFailure).activityType });
  // An implement run whose worker died names its session in its last heartbeat: continued if that worker comes back with the worktree.
  const lostRun = timeout === 'HEARTBEAT' && phase === 'implement' && (err as ActivityFailure).activityType === 'runAgent';
  state.hostLost(lostRun ? heartbeatSession(((err as ActivityFailure).cause as TimeoutFailure).lastHeartbeatDetails) : undefined);
  // A merge of the base waiting for its conflicts to be resolved lived in the lost worktree: merge again.
  if (state.data.conflict) {
    state.clearConflict();
    return 'update';
  }
  return phase;
}
