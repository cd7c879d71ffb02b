import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CheckInfo } from '../../src/domain/ci';
import { DEFAULT_REPO_CONFIG } from '../../src/domain/repo-config';
import type { CommandSignalArgs } from '../../src/workflows/messages';
import { STATUS_WRITE_GAP_MS } from '../../src/workflows/issue/publish';
import { MockActivities } from './support/mock-activities';
import { countActions, inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const retryCi: CommandSignalArgs = { deliveryId: 'retry-ci-1', command: 'retry-ci', author: 'carol', source: 'pr-comment', commentId: 5 };
const ciConfig = { ...DEFAULT_REPO_CONFIG, ci: { wait: true, maxFixAttempts: 1, ignore: ['coverage'], timeoutMinutes: 60 } };
const check = (state: CheckInfo['state'], id: number): CheckInfo => ({ name: 'build', state, url: `https://github.com/acme/app/actions/runs/9/job/${id}`, source: 'check-run', checkRunId: id, runId: 9, jobId: id });

/** A mock whose pushes give new heads, and whose checks the test sets per head. */
function ciMock(): { mock: MockActivities; checks: Map<string, CheckInfo[]> } {
  const mock = new MockActivities();
  mock.config = ciConfig;
  const checks = new Map<string, CheckInfo[]>();
  let pushes = 0;
  mock.overrides.commitAndPush = async () => ({ committed: true, sha: `sha-${++pushes}`, filesChanged: ['src/header.ts'], pushed: true });
  mock.overrides.getChecks = async ({ sha }) => checks.get(sha) ?? [];
  mock.overrides.getCheckFailure = async ({ check: c }) => `Check \`${c.name}\` failed.\nLog of job ${c.jobId}:\nError: expected 2 greetings, got 1`;
  return { mock, checks };
}

test('CI red, then green: the fix round gets the log, only the new head counts, the status comment shows the checks', async () => {
  const { mock, checks } = ciMock();
  checks.set('sha-1', [check('pending', 1), { name: 'coverage', state: 'failure', source: 'status' }]);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'checking' && s.checks?.items.length === 2, 'the checks of the first push');
    // Status writes are coalesced: the one showing the checks comes at most STATUS_WRITE_GAP_MS after the last.
    await env.sleep(STATUS_WRITE_GAP_MS);
    expect(mock.lastComment('status')).toContain('Waiting for the CI checks');
    expect(mock.lastComment('status')).toContain('[build](https://github.com/acme/app/actions/runs/9/job/1): pending');
    expect(mock.lastComment('status')).toContain('coverage: failure (ignored)');
    checks.set('sha-1', [check('failure', 1)]);
    await handle.signal('checksChanged', { deliveryId: 'cs-stale', sha: 'sha-0' }); // another head: no wake-up
    await handle.signal('checksChanged', { deliveryId: 'cs-1', sha: 'sha-1' });
    await waitForStatus(handle, (s) => s.steps.filter((x) => x.step === 'implementing').length === 2, 'a fix round');
    // The old head stays red; the second push's head is green.
    checks.set('sha-2', [check('success', 2)]);
    await handle.signal('checksChanged', { deliveryId: 'cs-2', sha: 'sha-2' });
    const done = await waitForStatus(handle, inState('completed'), 'completed after the fix');
    expect(done.checks).toMatchObject({ sha: 'sha-2', items: [{ name: 'build', state: 'success' }] });
    expect(mock.agentRuns('implement')[1].prompt).toContain('Error: expected 2 greetings, got 1');
    expect(mock.lastComment('summary-2')).toContain('**CI:** green (1 checks)');
    expect(mock.comments.has('summary-1')).toBe(false);
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');
    await recordHistory(handle, 'ci-red-green');
  });
});

test('happy path with a CI wait (green at the first push): its Temporal actions, beside the path without CI', async () => {
  const { mock, checks } = ciMock();
  checks.set('sha-1', [check('success', 1)]);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed once CI is green');
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');
    const actions = countActions(await handle.fetchHistory());
    console.log(`happy-path actions with a CI wait: ${actions.total} ${JSON.stringify(actions.byType)}`);
    // 31 without CI (issue-workflow.happy.test.ts), plus 7: the checking state (label, status comment
    // and search attribute), reading and showing the checks, and the ci-wait patch's marker and upsert.
    expect(actions.total).toBeLessThanOrEqual(38);
  });
});

test('CI that stays red escalates after ci.maxFixAttempts, naming the check; /agent retry-ci re-runs the failed jobs without an agent round', async () => {
  const { mock, checks } = ciMock();
  checks.set('sha-1', [check('failure', 1)]);
  checks.set('sha-2', [check('failure', 2)]);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ step: 'checks', type: 'ChecksFailed' });
    expect(mock.lastComment('escalation-1')).toContain('`build`');
    expect(mock.lastComment('escalation-1')).toContain('https://github.com/acme/app/actions/runs/9/job/2');
    expect(mock.agentRuns('implement')).toHaveLength(2);

    mock.overrides.rerunFailedJobs = async () => {
      checks.set('sha-2', [check('success', 3)]);
    };
    await handle.signal('command', retryCi);
    await waitForStatus(handle, inState('completed'), 'completed after the re-run');
    expect(mock.named('rerunFailedJobs').map((c) => c.args[0])).toEqual([{ ref: { owner: 'acme', repo: 'app' }, runId: 9 }]);
    expect(mock.agentRuns('implement')).toHaveLength(2);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'ci-escalate-retry-ci');
  });
});

test('a repository whose head gets no checks completes after the grace period; checks that never finish complete with a warning', async () => {
  const none = ciMock();
  const slow = ciMock();
  slow.checks.set('sha-1', [check('pending', 1)]);
  for (const { mock } of [none, slow]) {
    await withWorkers(env, mock, async (taskQueue) => {
      const handle = await startIssue(env, taskQueue, issueInput());
      await waitForStatus(handle, inState('checking'), 'the wait for checks');
      await env.sleep(61 * 60_000);
      await waitForStatus(handle, inState('completed'), 'completed');
      await handle.signal('pullRequestClosed', merged);
      await handle.result();
    });
  }
  expect(none.mock.lastComment('summary-1')).toContain('no checks reported within 5 min');
  expect(slow.mock.lastComment('summary-1')).toContain('⚠️ the checks did not finish within 60 min');
  // A lost webhook costs a poll: the pending checks were read again every few minutes.
  expect(slow.mock.named('getChecks').length).toBeGreaterThan(10);
});

test('a review during the CI wait starts a round at once; a red commit status counts like a check run; `ci.wait: false` waits for nothing', async () => {
  const { mock, checks } = ciMock();
  checks.set('sha-1', [check('pending', 1)]);
  checks.set('sha-2', [{ name: 'ci/outside', state: 'failure', source: 'status', url: 'https://ci.example.com/2' }]);
  checks.set('sha-3', [{ name: 'ci/outside', state: 'success', source: 'status' }]);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('checking'), 'the wait for checks');
    await handle.signal('review', { deliveryId: 'review-1', kind: 'review', author: 'bob', body: 'Rename it.', pullRequestNumber: 101 });
    await waitForStatus(handle, inState('completed'), 'completed after the review round and a CI fix round');
    expect(mock.agentRuns('implement')).toHaveLength(3);
    expect(mock.agentRuns('implement')[2].prompt).toContain('Check `ci/outside` failed.');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });

  const off = ciMock();
  off.mock.config = { ...ciConfig, ci: { ...ciConfig.ci, wait: false } };
  await withWorkers(env, off.mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });
  expect(off.mock.named('getChecks')).toHaveLength(0);
  expect(off.mock.lastComment('status')).not.toContain('**Checks**');
});
