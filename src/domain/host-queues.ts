/**
 * The task queues of one worker process (a "host": one data dir, so one set of worktrees). The steps of a
 * round that need its worktree (prepare, commit and push, merge of the base, tests, clean-up) go to
 * `workspace`; its agent runs to `agents`, which that worker caps at AGENT_CONCURRENCY. The workflow and
 * the worker both name them here, from the workflow's task queue and the worker's id.
 */
export interface HostQueues {
  workspace: string;
  agents: string;
}

export function hostQueues(taskQueue: string, hostId: string): HostQueues {
  const workspace = `${taskQueue}-host-${hostId}`;
  return { workspace, agents: `${workspace}-agents` };
}
