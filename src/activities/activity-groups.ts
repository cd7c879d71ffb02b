/** Activities split by the task queue they run on (src/worker/workers.ts builds one worker a group). */
export interface ActivityGroups {
  /** Reads, git, tests, notifications, and a run's first status write (a local activity): the issue workflow's own task queue. */
  main: object;
  /** Comment, label, PR and reaction writes: each takes a token of the write budget in PostgreSQL first. */
  githubWrites: object;
  /** Agent CLI runs: at most AGENT_CONCURRENCY at once per worker process. */
  agents: object;
  /** Prepare, commit and push, merge of the base, tests, clean-up: the steps that need this worker's worktree. */
  workspace: object;
}
