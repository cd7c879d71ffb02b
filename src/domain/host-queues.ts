/**
 * The task queues of one worker process (a "host": one data dir, so one set of worktrees). The steps of a
 * round that need its worktree (prepare, commit and push, merge of the base, tests, clean-up) go to
 * `workspace`; its agent runs to `agents`, which that worker caps at AGENT_CONCURRENCY. The workflow and
 * the worker both name them here, from the workflow's task queue and the worker's id.
 */
import { agentQueueOf } from './task-queues';

export interface HostQueues {
  workspace: string;
  agents: string;
}

export function hostQueues(taskQueue: string, hostId: string): HostQueues {
  const workspace = `${taskQueue}-host-${hostId}`;
  return { workspace, agents: agentQueueOf(workspace) };
}

/**
 * The longest an agent run waits on its host for one of the host's AGENT_CONCURRENCY slots (heartbeating)
 * before its round moves to another host; the workflow adds it to the run's start-to-close time-out.
 */
export const AGENT_SLOT_WAIT_MS = 10 * 60_000;
