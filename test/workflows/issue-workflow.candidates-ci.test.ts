import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CheckInfo } from '../../src/domain/ci';
import type { WorkspaceRef } from '../../src/domain/ids';
import { DEFAULT_REPO_CONFIG } from '../../src/domain/repo-config';
import { MockActivities } from './support/mock-activities';
import { inState, issueInput, startIssue, statusOf, useIssueflowTestEnv, waitForStatus, withWorkers } from './support/harness';

// Its own file (and test server): the candidates' CI timers are skipped with env.sleep, which a test of
// cancelled candidates before it in the same server can leave to real time.
let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

test('with CI, the checks on timers: a candidate whose head has no checks passes after the grace and says so; one whose checks are pending is read again until green', async () => {
  const mock = new MockActivities();
  mock.config = { ...DEFAULT_REPO_CONFIG, approval: 'never', candidates: 2, ci: { wait: true, maxFixAttempts: 1, ignore: [], timeoutMinutes: 60 } };
  const lines: Record<number, number> = { 1: 40, 2: 12 };
  mock.overrides.commitAndPush = async (input) => {
    const c = (input.ref as WorkspaceRef).candidate;
    return { committed: true, sha: c ? `sha-c${c}` : 'def', filesChanged: [`src/c${c ?? 0}.ts`], pushed: true, ...(c ? { linesChanged: lines[c] } : {}) };
  };
  let pendingReads = 0;
  const lint = (state: CheckInfo['state']): CheckInfo[] => [{ name: 'lint', state, source: 'check-run', checkRunId: 1 }];
  mock.overrides.getChecks = async ({ sha }) => {
    if (sha === 'sha-c1') return [];
    if (sha === 'sha-c2') return lint(pendingReads++ < 2 ? 'pending' : 'success');
    return lint('success');
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, () => pendingReads >= 1, 'the first read of pending checks');
    // The candidates wait in durable timers (30 s, 60 s, ... up to 3 min): skipped a minute at a time until a winner.
    for (let i = 0; i < 30 && (await statusOf(handle)).candidates?.winner === undefined; i++) await env.sleep('1 minute');
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    const reads = (sha: string) => mock.named('getChecks').filter((c) => (c.args[0] as { sha: string }).sha === sha).length;
    // Candidate 2: pending, pending, green. Candidate 1: no checks at reads 0 s, 30 s, 1.5 min, 3.5 min, then 6.5 min: past the 5 min grace.
    expect(reads('sha-c2')).toBe(3 + 1); // and once more by the issue's own CI wait of the promoted head
    expect(reads('sha-c1')).toBe(5);
    expect(status.candidates!.list.map((c) => [c.index, c.state, c.ci, c.why])).toEqual([
      [1, 'passed', 'none', 'tests passed, no CI checks reported'],
      [2, 'passed', 'green', 'tests and CI passed'],
    ]);
    expect(status.candidates).toMatchObject({ winner: 2, why: 'tests and CI passed, smallest diff (12 lines vs 40)' });
    await handle.terminate();
  });
});
