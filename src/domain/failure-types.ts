/**
 * Every failure type issueflow gives an ApplicationFailure, named once: the ones activities throw and
 * the ones the workflow raises itself. The workflow tells them apart by type (describeFailure), and
 * the escalation comment shows the type.
 */

/** Thrown non-retryable: another attempt cannot fix it; the workflow acts on it or explains it in the issue. */
export const NON_RETRYABLE_FAILURES = {
  githubNotFound: 'GithubNotFound',
  githubUnauthorized: 'GithubUnauthorized',
  githubForbidden: 'GithubForbidden',
  githubInvalid: 'GithubValidationFailed',
  agentMissing: 'AgentMissing',
  agentTimedOut: 'AgentTimedOut',
  /** The operator paused agent runs: the workflow waits and asks again; never an escalation. */
  agentPaused: 'AgentPaused',
  /** The branch has no commits the base lacks: the agent changed nothing, so there is no PR to open. */
  noChanges: 'NoChanges',
  /** A merge of the base branch is to be committed while conflict markers are still in its conflicted files. */
  conflictUnresolved: 'ConflictUnresolved',
  /** Every agent slot of the round's host stayed busy too long: the round moves to another host. */
  hostBusy: 'HostBusy',
  /** Raised by the workflow: `/agent escalate` handed the issue to a maintainer (nothing failed). */
  handedOver: 'HandedOver',
  /** Raised by the workflow: a CI check still fails after the fix attempts. */
  checksFailed: 'ChecksFailed',
  /** Raised by the workflow: the budget is used up and nobody raised it (`/agent budget`). */
  budgetExceeded: 'BudgetExceeded',
  /** Raised by the workflow: the test command still fails after the fix attempts. */
  testsFailed: 'TestsFailed',
} as const;

/** Thrown retryable: another attempt may succeed, as far as the activity can tell. */
export const RETRYABLE_FAILURES = {
  /** GitHub's rate limit: retried once it resets (`nextRetryDelay`). */
  githubRateLimited: 'GithubRateLimited',
  /**
   * The agent exited non-zero or reported an error. The agent's retry policy (workflows/issue/activities.ts)
   * still does not retry it: a failed run is not run again unasked.
   */
  agentFailed: 'AgentFailed',
  /** A git command failed (a network blip on fetch or push); thrown non-retryable where a retry cannot help (git not installed, no worktree to commit or test). */
  gitFailed: 'GitFailed',
} as const;

/** Every failure type by name. */
export const FAILURE_TYPES = { ...NON_RETRYABLE_FAILURES, ...RETRYABLE_FAILURES } as const;

/** One of FAILURE_TYPES' values. */
export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];
