import { proxyActivities, proxyLocalActivities, workflowInfo, type ActivityFunction, type ActivityFunctionWithOptions, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { FAILURE_TYPES, IssueflowActivities } from '../../activities/types';
import { msToNumber } from '@temporalio/common';
import { AGENT_SLOT_WAIT_MS, hostQueues, type HostQueues } from '../../domain/host-queues';
import { sharedQueues } from '../../domain/task-queues';

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
 * The first status write as a local activity (publish.ts, firstStatusWrite): one attempt, in the workflow task that
 * started the issue. Its 30 s leave 5 s to wait for a write token (a write never starts in the last 25 s of an
 * attempt, src/activities/github/write-token.ts); a failed attempt hands the write to the GitHub-writes queue.
 */
const firstWrite: LocalActivityOptions = { startToCloseTimeout: '30s', retry: { maximumAttempts: 1 } };

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

/**
 * On a host's own queues (see domain/host-queues), a step that does not start within its schedule-to-start
 * time-out means the host is gone: the workflow moves the round to another host. A live worker polls its
 * queues constantly and starts up to 100 steps on each at once (agent runs then wait for a slot), so 30 s is far
 * beyond any start latency, and short enough that a lost host costs little. (A worker restarted on the same
 * data dir has the same id and takes the step up.)
 */
const HOST_START_TIMEOUT = '30s';

/**
 * The options of a step sent to the host that holds the round's worktree. An agent run starts there at
 * once too and then waits, heartbeating, for one of the host's AGENT_CONCURRENCY slots (a busy host is not
 * a dead one) for up to AGENT_SLOT_WAIT_MS, which its start-to-close time-out makes room for; after that it
 * fails with HostBusy and the round moves. Its retries are the workflow's: a retry on this queue would wait
 * for a host that died mid-run, so a lost run moves with its round instead (one attempt here).
 */
function onHost(kind: 'workspace' | 'agent', queues: HostQueues, call: ActivityOptions): ActivityOptions {
  if (kind === 'workspace') return { taskQueue: queues.workspace, scheduleToStartTimeout: HOST_START_TIMEOUT };
  const run = msToNumber(call.startToCloseTimeout ?? agent.startToCloseTimeout!);
  return { taskQueue: queues.agents, scheduleToStartTimeout: HOST_START_TIMEOUT, startToCloseTimeout: run + AGENT_SLOT_WAIT_MS, retry: { maximumAttempts: 1 } };
}

/** `fn` sent to the round's host when there is one (`host()`), else to its shared queue (runs from before hosts, the first prepare). */
function routed<F extends ActivityFunction>(fn: ActivityFunctionWithOptions<F>, kind: 'workspace' | 'agent', host: () => string | undefined): ActivityFunctionWithOptions<F> {
  const executeWithOptions = (call: ActivityOptions, args: Parameters<F>) => {
    const id = host();
    return fn.executeWithOptions(id ? { ...call, ...onHost(kind, hostQueues(workflowInfo().taskQueue, id), call) } : call, args);
  };
  return Object.assign((...args: Parameters<F>) => executeWithOptions({}, args), { executeWithOptions }) as unknown as ActivityFunctionWithOptions<F>;
}

export type Acts = ReturnType<typeof createActivityProxies>;

/**
 * One proxy per activity group; GitHub writes and agent runs go to their own, rate-limited task queues,
 * and a round's workspace steps and agent runs to the host that holds its worktree (`host()`).
 */
export function createActivityProxies(host: () => string | undefined = () => undefined) {
  const queues = sharedQueues(workflowInfo().taskQueue);
  const reads = proxyActivities<IssueflowActivities>(github);
  const writes = proxyActivities<IssueflowActivities>({ ...github, taskQueue: queues.githubWrites });
  const agents = proxyActivities<IssueflowActivities>({ ...agent, taskQueue: queues.agents });
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
    publishStatus: writes.publishStatus,
    publishStatusHere: proxyLocalActivities<IssueflowActivities>(firstWrite).publishStatus,
    ensurePullRequest: writes.ensurePullRequest,
    reactToComment: writes.reactToComment,
    runAgent: routed(agents.runAgent, 'agent', host),
    prepareWorkspace: routed(git.prepareWorkspace, 'workspace', host),
    commitAndPush: routed(git.commitAndPush, 'workspace', host),
    updateBranch: routed(git.updateBranch, 'workspace', host),
    cleanupWorkspace: routed(git.cleanupWorkspace, 'workspace', host),
    promoteCandidate: routed(git.promoteCandidate, 'workspace', host),
    deleteBranches: git.deleteBranches,
    runTests: routed(test.runTests, 'workspace', host),
    notifyEndState: notifier.notifyEndState,
  };
}
