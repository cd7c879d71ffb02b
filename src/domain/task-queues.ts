/**
 * The task queues beside the issue workflow's own (TEMPORAL_TASK_QUEUE) that every worker polls: GitHub
 * writes, rate-limited to stay inside GitHub's content budget, and agent runs, capped per worker by
 * AGENT_CONCURRENCY. The worker and the workflow both name them here.
 */
export interface SharedQueues {
  githubWrites: string;
  agents: string;
}

/** The agent-run queue beside `queue`: `{queue}-agents` (the shared one, and each host's own). */
export function agentQueueOf(queue: string): string {
  return `${queue}-agents`;
}

/** The shared queues beside the workflow's task queue. */
export function sharedQueues(taskQueue: string): SharedQueues {
  return { githubWrites: `${taskQueue}-github-writes`, agents: agentQueueOf(taskQueue) };
}
