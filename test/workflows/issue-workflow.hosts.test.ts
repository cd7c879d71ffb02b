import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { temporal } from '@temporalio/proto';
import { hostQueues } from '../../src/domain/host-queues';
import { MockActivities } from './support/mock-activities';
import { countActions, inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const WORKSPACE_STEPS = ['commitAndPush', 'runTests', 'cleanupWorkspace', 'updateBranch'] as const;

/** Runs `fn` while the given hosts' own queues are served too (each worker process polls its two). */
async function withHosts<T>(mock: MockActivities, taskQueue: string, hosts: string[], fn: () => Promise<T>): Promise<T> {
  let run = fn();
  for (const host of hosts) {
    const q = hostQueues(taskQueue, host);
    const activities = mock.activities();
    const options = { connection: env.nativeConnection, activities, shutdownGraceTime: '10s' };
    const workspace = await Worker.create({ ...options, taskQueue: q.workspace });
    const agents = await Worker.create({ ...options, taskQueue: q.agents });
    run = workspace.runUntil(agents.runUntil(run));
  }
  return run;
}

test("one round, one host: the first prepare asks the shared queue, every other workspace step and agent run goes to that host's queues", async () => {
  const mock = new MockActivities();
  mock.overrides.prepareWorkspace = async () => ({ baseBranch: 'main', headSha: 'abc', host: 'h1' });
  await withWorkers(env, mock, async (taskQueue) => {
    const q = hostQueues(taskQueue, 'h1');
    await withHosts(mock, taskQueue, ['h1'], async () => {
      const handle = await startIssue(env, taskQueue, issueInput());
      await waitForStatus(handle, inState('completed'), 'completed');
      await handle.signal('pullRequestClosed', merged);
      expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
      expect(mock.named('prepareWorkspace').map((c) => c.taskQueue)).toEqual([taskQueue]);
      expect(mock.named('runAgent').map((c) => c.taskQueue)).toEqual([q.agents, q.agents]);
      const steps = mock.calls.filter((c) => (WORKSPACE_STEPS as readonly string[]).includes(c.name));
      expect(steps.map((c) => c.name).sort()).toEqual(['cleanupWorkspace', 'commitAndPush', 'runTests']);
      expect(new Set(steps.map((c) => c.taskQueue))).toEqual(new Set([q.workspace]));
      // Hosts change where steps run, not how many: the happy path's budget (issue-workflow.happy.test.ts) holds.
      expect(countActions(await handle.fetchHistory()).total).toBeLessThanOrEqual(31);
    });
  });
});

test('a host that stops serving its queues: the next step times out before it starts, and the round runs again on another host', async () => {
  const mock = new MockActivities();
  // The first prepare lands on h1, which stops right after the implement round's push; the next prepare on h2.
  let prepares = 0;
  mock.overrides.prepareWorkspace = async () => ({ baseBranch: 'main', headSha: 'abc', host: ++prepares === 1 ? 'h1' : 'h2' });
  let h1Gone!: () => void;
  const pushed = new Promise<void>((resolve) => (h1Gone = resolve));
  mock.overrides.commitAndPush = async () => {
    // h1 stops polling while its push is still under way: the push completes, nothing after it starts there.
    h1Gone();
    await new Promise((r) => setTimeout(r, 1000));
    return { committed: true, sha: 'def', filesChanged: ['src/header.ts'], pushed: true };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const [h1, h2] = [hostQueues(taskQueue, 'h1'), hostQueues(taskQueue, 'h2')];
    const handle = await startIssue(env, taskQueue, issueInput());
    await withHosts(mock, taskQueue, ['h1'], () => pushed);
    await withHosts(mock, taskQueue, ['h2'], async () => {
      // The tests wait on h1's queue for its 30 s schedule-to-start time-out (real time: the test server does not skip while activities are pending).
      const status = await waitForStatus(handle, inState('completed'), 'completed on the second host', 90_000);
      expect(status.steps.map((s) => s.state)).not.toContain('failed');
      await handle.signal('pullRequestClosed', merged);
      expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    });

    expect(mock.named('prepareWorkspace').map((c) => c.taskQueue)).toEqual([taskQueue, taskQueue]);
    expect(mock.named('runAgent').map((c) => c.taskQueue)).toEqual([h1.agents, h1.agents]);
    expect(mock.named('commitAndPush').map((c) => c.taskQueue)).toEqual([h1.workspace]);
    // The tests ran once, on h2, in the worktree h2 rebuilt from the pushed branch; the clean-up went to h2 too.
    expect(mock.named('runTests').map((c) => c.taskQueue)).toEqual([h2.workspace]);
    expect(mock.named('cleanupWorkspace').map((c) => c.taskQueue)).toEqual([h2.workspace]);
    const history = await handle.fetchHistory();
    const E = temporal.api.enums.v1.EventType;
    const timedOut = (history.events ?? []).filter((e) => e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    expect(timedOut.map((e) => e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType)).toEqual([temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]);
    expect(mock.labels).not.toContain('escalated');
    await recordHistory(handle, 'host-lost-round-moves');
  });
}, 150_000);

test("a worker that dies mid-round and comes back with its worktree: the round runs again there and continues the lost run's session (from its last heartbeat)", async () => {
  const mock = new MockActivities();
  // The worker restarts on the same data dir: the same host id, its worktree standing.
  let prepares = 0;
  mock.overrides.prepareWorkspace = async () => ({ baseBranch: 'main', headSha: 'abc', host: 'h1', rebuilt: ++prepares === 1 });
  let implementRuns = 0;
  mock.overrides.runAgent = async (input) => {
    if (input.mode === 'implement' && ++implementRuns === 1) {
      // The run names its session, then its worker dies: no heartbeat after this one.
      Context.current().heartbeat({ bytes: 10, lastLine: '{"type":"system"}', session: { agent: 'claude-code', id: 'lost-1', costUsd: 0 } });
      await new Promise((r) => setTimeout(r, 17_000));
    }
    return { agent: 'claude-code', exitCode: 0, resultText: 'done', ...(input.mode === 'plan' ? { plan: mock.plan } : {}), costUsd: 0.25, outputTail: 'ok', durationMs: 1000, sessionId: `s-${implementRuns}` };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    await withHosts(mock, taskQueue, ['h1'], async () => {
      const handle = await startIssue(env, taskQueue, issueInput());
      // Real time: the test server does not skip while an activity is pending (the 15 s heartbeat time-out).
      await waitForStatus(handle, inState('completed'), 'completed after the lost run', 60_000);
      const runs = mock.agentRuns('implement');
      expect(runs).toHaveLength(2);
      expect(runs[0].resume).toBeUndefined();
      // Continued with the whole prompt: the lost run may have stopped anywhere.
      expect(runs[1].resume).toEqual({ agent: 'claude-code', sessionId: 'lost-1', prompt: runs[1].prompt, sessionCostUsd: 0 });
      expect(prepares).toBe(2);
      await handle.signal('pullRequestClosed', merged);
      await handle.result();
    });
  });
}, 90_000);
