import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { FAILURE_TYPES, IssueflowActivities } from '../../activities/types';

type Failure = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];
// The contract's failure types, spelled out because workflows import activities only as types;
// the compiler checks each string against the contract.
const GITHUB_NON_RETRYABLE: Failure[] = ['GithubNotFound', 'GithubUnauthorized', 'GithubForbidden', 'GithubValidationFailed'];
const AGENT_NON_RETRYABLE: Failure[] = ['AgentMissing', 'AgentFailed', 'AgentPaused'];

/**
 * GitHub: many attempts with back-off; a rate-limited call sets `nextRetryDelay` from GitHub's reset
 * header (not capped by the maximum interval). 4xx that a retry cannot fix are not retried. A state
 * label takes up to 3 calls, so with 6 attempts a bad patch of GitHub (1 call in 5 failing) escalated
 * an issue over a label now and then; 20 attempts at most a minute apart ride out a quarter of an hour.
 */
const github: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: GITHUB_NON_RETRYABLE },
};

/**
 * The long activities heartbeat twice a second whatever they print (src/activities/heartbeat.ts), so a
 * worker that died is noticed after this, not after the start-to-close time-out.
 */
const LOST_WORKER = '15 seconds';

/**
 * Attempts of the agent and the tests: lost ones only (a failed run is not retried), and since a lost
 * worker is noticed within seconds, a worker crashing again, or a Temporal restart longer than the
 * heartbeat time-out, may cost the retry too (the crashes suite kills the worker three times in a row).
 */
const LOST_ATTEMPTS = 4;

/**
 * The agent: long, heartbeating, expensive; retried only for a lost worker, never for a missing binary,
 * a failed task or a pause. The retry waits 30 s: an attempt that failed on PostgreSQL or Temporal
 * restarting (the crashes suite) must not spend the next attempt while they are still down.
 */
const agent: ActivityOptions = {
  startToCloseTimeout: '35 minutes',
  heartbeatTimeout: LOST_WORKER,
  retry: { initialInterval: '30s', maximumAttempts: LOST_ATTEMPTS, nonRetryableErrorTypes: AGENT_NON_RETRYABLE },
};

/** Git: a few attempts (a push may race a network blip). */
const workspace: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: LOST_WORKER,
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 3 },
};

/**
 * Tests: a failing test run is a result (`passed: false`) for the fix loop, never an error, so a retry
 * only ever follows a lost attempt (the worker crashed or restarted: a heartbeat time-out), which must
 * not escalate the issue as if the tests had failed.
 */
const tests: ActivityOptions = { startToCloseTimeout: '20 minutes', heartbeatTimeout: LOST_WORKER, retry: { initialInterval: '1s', maximumAttempts: LOST_ATTEMPTS } };

const notify: ActivityOptions = { startToCloseTimeout: '30s', retry: { initialInterval: '5s', maximumAttempts: 5 } };

export type Acts = ReturnType<typeof createActivityProxies>;

/** One proxy per activity group; GitHub writes and agent runs go to their own, rate-limited task queues. */
export function createActivityProxies(queues: { githubWriteTaskQueue?: string; agentTaskQueue?: string } = {}) {
  const writeQueue = queues.githubWriteTaskQueue ?? `${workflowInfo().taskQueue}-github-writes`;
  const agentQueue = queues.agentTaskQueue ?? `${workflowInfo().taskQueue}-agents`;
  const reads = proxyActivities<IssueflowActivities>(github);
  const writes = proxyActivities<IssueflowActivities>({ ...github, taskQueue: writeQueue });
  const agents = proxyActivities<IssueflowActivities>({ ...agent, taskQueue: agentQueue });
  const git = proxyActivities<IssueflowActivities>(workspace);
  const test = proxyActivities<IssueflowActivities>(tests);
  const notifier = proxyActivities<IssueflowActivities>(notify);
  return {
    getIssue: reads.getIssue,
    getRepoConfig: reads.getRepoConfig,
    findMissingFiles: reads.findMissingFiles,
    getPullRequest: reads.getPullRequest,
    findPullRequest: reads.findPullRequest,
    getChecks: reads.getChecks,
    getCheckFailure: reads.getCheckFailure,
    rerunFailedJobs: writes.rerunFailedJobs,
    setStateLabel: writes.setStateLabel,
    upsertComment: writes.upsertComment,
    ensurePullRequest: writes.ensurePullRequest,
    reactToComment: writes.reactToComment,
    runAgent: agents.runAgent,
    prepareWorkspace: git.prepareWorkspace,
    commitAndPush: git.commitAndPush,
    updateBranch: git.updateBranch,
    cleanupWorkspace: git.cleanupWorkspace,
    runTests: test.runTests,
    notifyEndState: notifier.notifyEndState,
  };
}
