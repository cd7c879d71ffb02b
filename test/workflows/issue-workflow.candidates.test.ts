import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentRunInput, RunTestsInput } from '../../src/activities/types';
import type { CheckInfo } from '../../src/domain/ci';
import type { WorkspaceRef } from '../../src/domain/ids';
import { DEFAULT_REPO_CONFIG } from '../../src/domain/repo-config';
import { MockActivities, runUntilCancelled } from './support/mock-activities';
import { merged } from './support/signal-args';
import { countActions, inState, issueInput, recordHistory, startIssue, statusOf, useIssueflowTestEnv, waitForStatus, withWorkers } from './support/harness';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const candidateOf = (input: { ref: WorkspaceRef }) => input.ref.candidate;

/** A mock whose candidates each pass or fail their tests and change so many lines. */
function candidatesMock(passes: Record<number, boolean>, lines: Record<number, number>, config: Partial<typeof DEFAULT_REPO_CONFIG> = { candidates: 2 }): MockActivities {
  const mock = new MockActivities();
  mock.config = { ...DEFAULT_REPO_CONFIG, approval: 'never', ...config };
  mock.overrides.commitAndPush = async (input) => {
    const c = candidateOf(input);
    return { committed: true, sha: c ? `sha-c${c}` : 'def', filesChanged: [`src/c${c ?? 0}.ts`], pushed: true, ...(c ? { linesChanged: lines[c] } : {}) };
  };
  mock.overrides.runTests = async (input: RunTestsInput) => {
    const c = candidateOf(input);
    const passed = c === undefined ? true : passes[c];
    return { passed, exitCode: passed ? 0 : 1, timedOut: false, durationMs: 100, outputTail: passed ? 'ok' : `candidate ${c} fails` };
  };
  return mock;
}

async function childActions(workflowId: string, n: number): Promise<number> {
  let total = 0;
  for (let i = 1; i <= n; i++) total += countActions(await env.client.workflow.getHandle(`${workflowId}/candidate-${i}`).fetchHistory()).total;
  return total;
}

// First in the file: its timers are skipped with env.sleep, which a test before it that cancels running candidates
// can leave to real time (the test server does not skip time while an activity it thinks running is open).
test('agent runs paused while the candidates run: a refused candidate waits and runs once they are resumed, as the issue\'s own rounds do', async () => {
  const mock = candidatesMock({ 1: true, 2: true }, { 1: 5, 2: 9 });
  let refusals = 0;
  mock.overrides.runAgent = async (input: AgentRunInput) => {
    if (input.mode === 'implement' && candidateOf(input) === 2 && refusals++ < 2) throw ApplicationFailure.create({ message: 'Agent runs are paused', type: 'AgentPaused', nonRetryable: true });
    return { agent: 'claude-code', exitCode: 0, resultText: 'done', ...(input.mode === 'plan' ? { plan: mock.plan } : {}), costUsd: 0.25, outputTail: 'ok', durationMs: 1000 };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, () => refusals === 1, 'the first refusal');
    // The candidate waits in durable timers (15 s, then 30 s): the test server skips them, one minute at a time,
    // for as long as it takes a loaded machine to set each timer (skips made before a timer exists are lost).
    for (const until = Date.now() + 45_000; refusals < 3 && Date.now() < until; ) {
      await env.sleep('1 minute');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(refusals).toBe(3);
    expect(status.candidates!.list.map((c) => c.state)).toEqual(['passed', 'passed']);
    expect(status.candidates).toMatchObject({ winner: 1, why: 'tests passed, smallest diff (5 lines vs 9)' });
    await handle.terminate();
  });
});

test('two candidates, one failing its tests: the passing one goes to the issue branch and the PR, both candidate branches are dropped, the budget counts every run', async () => {
  const mock = candidatesMock({ 1: false, 2: true }, { 1: 3, 2: 12 });
  const input = issueInput();
  const n = input.issueNumber;
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, input);
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    // Candidate 1 fails its tests three times (1 round + 2 fix attempts), candidate 2 passes at once.
    const implementSteps = mock.agentRuns('implement').map((r) => r.step).sort();
    expect(implementSteps).toEqual(['c1-implement-1', 'c1-implement-2', 'c1-implement-3', 'c2-implement-1']);
    const branches = new Set(mock.agentRuns('implement').map((r) => r.branch));
    expect(branches).toEqual(new Set([`issueflow/issue-${n}-candidate-1`, `issueflow/issue-${n}-candidate-2`]));
    // Each in its own worktree; its fix rounds get its own failing output.
    expect(new Set(mock.agentRuns('implement').map((r) => (r.ref as WorkspaceRef).candidate))).toEqual(new Set([1, 2]));
    expect(mock.agentRuns('implement').find((r) => r.step === 'c1-implement-2')!.prompt).toContain('candidate 1 fails');
    expect(mock.named('promoteCandidate').map((c) => c.args[0])).toEqual([
      { ref: { owner: 'acme', repo: 'app', issueNumber: n }, branch: `issueflow/issue-${n}`, sha: 'sha-c2', drop: [`issueflow/issue-${n}-candidate-1`, `issueflow/issue-${n}-candidate-2`] },
    ]);
    expect(mock.named('ensurePullRequest')).toHaveLength(1);
    expect((mock.named('ensurePullRequest')[0].args[0] as { branch: string }).branch).toBe(`issueflow/issue-${n}`);
    // The winner's commit is tested again on the issue's branch, in the issue's worktree (prepared again).
    const parentTests = mock.named('runTests').filter((c) => candidateOf(c.args[0] as RunTestsInput) === undefined);
    expect(parentTests).toHaveLength(1);
    expect(status.candidates).toMatchObject({ winner: 2, promoted: true, why: 'tests passed, smallest diff (12 lines), the only one whose tests passed' });
    expect(status.candidates!.list.map((c) => [c.index, c.state, c.costUsd])).toEqual([
      [1, 'failed', 0.75],
      [2, 'passed', 0.25],
    ]);
    // Plan 0.25 + three runs of candidate 1 + one of candidate 2.
    expect(status.costUsd).toBe(1.25);
    const comment = mock.lastComment('status')!;
    expect(comment).toContain('candidate 1: claude-code, failed, 3 lines, $0.75 (tests still fail after 2 fix attempts (exit code 1))');
    expect(comment).toContain('winner: candidate 2 — tests passed, smallest diff (12 lines)');
    expect(mock.lastComment('summary-1')).toContain('`src/c2.ts`');
    // Each candidate cleaned its own worktree.
    expect(mock.named('cleanupWorkspace').map((c) => (c.args[0] as { ref: WorkspaceRef }).ref.candidate).sort()).toEqual([1, 2, undefined]);

    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'candidates-two');
    const parent = countActions(await handle.fetchHistory()).total;
    const children = await childActions(handle.workflowId, 2);
    console.log(`Temporal actions with 2 candidates, to merged: ${parent} in the issue's workflow + ${children} in its 2 children = ${parent + children}`);
    expect(parent).toBeLessThanOrEqual(30);
  });
});

test('smallest-diff: of two passing candidates the one with the smaller diff wins, and says so', async () => {
  const mock = candidatesMock({ 1: true, 2: true }, { 1: 40, 2: 12 });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(status.candidates).toMatchObject({ winner: 2, why: 'tests passed, smallest diff (12 lines vs 40)' });
    expect((mock.named('promoteCandidate')[0].args[0] as { sha: string }).sha).toBe('sha-c2');
    expect(mock.lastComment('status')).toContain('winner: candidate 2 — tests passed, smallest diff (12 lines vs 40)');
    await handle.terminate();
  });
});

test('first-passing with agents: one candidate per agent; the first to pass wins and the other is cancelled (its agent stopped)', async () => {
  const mock = candidatesMock({ 1: true, 2: true }, { 1: 40, 2: 12 }, { agents: ['claude-code', 'codex'], candidateRule: 'first-passing' });
  mock.overrides.runAgent = async (input: AgentRunInput) => {
    if (input.agent === 'codex') return runUntilCancelled();
    return { agent: input.agent ?? 'claude-code', exitCode: 0, resultText: 'done', ...(input.mode === 'plan' ? { plan: mock.plan } : {}), costUsd: 0.25, outputTail: 'ok', durationMs: 1000 };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(mock.agentRuns('implement').map((r) => [r.step, r.agent]).sort()).toEqual([
      ['c1-implement-1', 'claude-code'],
      ['c2-implement-1', 'codex'],
    ]);
    expect(status.candidates).toMatchObject({ winner: 1, why: 'tests passed first' });
    expect(status.candidates!.list.map((c) => [c.agent, c.state])).toEqual([
      ['claude-code', 'passed'],
      ['codex', 'cancelled'],
    ]);
    // The cancelled candidate never committed: nothing of it is promoted, its branch is dropped all the same.
    expect(mock.named('commitAndPush').filter((c) => candidateOf(c.args[0] as { ref: WorkspaceRef }) === 2)).toEqual([]);
    expect((mock.named('promoteCandidate')[0].args[0] as { drop: string[] }).drop).toHaveLength(2);
    await handle.terminate();
  });
});

test('`/agent run --candidates 3` overrides the config; none passing escalates as failed tests, and a retry works on the issue branch alone', async () => {
  const mock = candidatesMock({ 1: false, 2: false, 3: false }, { 1: 1, 2: 2, 3: 3 }, { maxFixAttempts: 0 });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput({ candidates: 3 }));
    const status = await waitForStatus(handle, inState('escalated'), 'escalated');
    expect(mock.agentRuns('implement').map((r) => r.step).sort()).toEqual(['c1-implement-1', 'c2-implement-1', 'c3-implement-1']);
    expect(status.lastError).toMatchObject({ type: 'TestsFailed' });
    expect(status.lastError!.message).toContain('no candidate passed its tests');
    expect(mock.named('promoteCandidate')).toEqual([]);
    await handle.signal('command', { deliveryId: 'retry-1', command: 'retry', author: 'carol', source: 'issue-comment' });
    await waitForStatus(handle, inState('completed'), 'completed after the retry');
    const single = mock.agentRuns('implement').filter((r) => !r.step.startsWith('c'));
    expect(single.map((r) => r.branch)).toEqual([`issueflow/issue-${handle.workflowId.split('#')[1]}`]);
    expect((await statusOf(handle)).candidates?.winner).toBeUndefined();
    await handle.terminate();
  });
});

test('the budget covers the candidates: each gets its share of what is left and stops when it is spent; the issue counts every run', async () => {
  // $1, the plan costs $0.25: each of two candidates may spend $0.375, one run of $0.25 and no second.
  const mock = candidatesMock({ 1: false, 2: true }, { 1: 3, 2: 12 }, { candidates: 2, budget: { usd: 1 } });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(mock.agentRuns('implement').map((r) => r.step).sort()).toEqual(['c1-implement-1', 'c2-implement-1']);
    expect(status.candidates!.list.map((c) => [c.index, c.state, c.why])).toEqual([
      [1, 'failed', 'its share of the budget is spent'],
      [2, 'passed', 'tests passed'],
    ]);
    expect(status.costUsd).toBe(0.75);
    expect(status.candidates).toMatchObject({ winner: 2 });
    await handle.terminate();
  });
});

test('`/agent cancel` while the candidates run: both agents are stopped, then the candidate branches are deleted, and the run ends cancelled', async () => {
  const mock = candidatesMock({ 1: true, 2: true }, { 1: 1, 2: 1 });
  const stopped: number[] = [];
  mock.overrides.runAgent = async (input: AgentRunInput) => {
    if (input.mode === 'plan') return { agent: 'claude-code', exitCode: 0, resultText: 'plan', plan: mock.plan, costUsd: 0.25, outputTail: 'ok', durationMs: 1000 };
    return runUntilCancelled().finally(() => stopped.push(candidateOf(input)!));
  };
  let stoppedWhenDeleted = -1;
  mock.overrides.deleteBranches = async ({ branches }) => {
    stoppedWhenDeleted = stopped.length;
    return { deleted: branches };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, () => mock.agentRuns('implement').length === 2, 'both candidates at work');
    await handle.signal('command', { deliveryId: 'cancel-1', command: 'cancel', author: 'carol', source: 'issue-comment' });
    expect(await handle.result()).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    const n = handle.workflowId.split('#')[1];
    expect(mock.named('deleteBranches').map((c) => c.args[0])).toEqual([{ ref: expect.objectContaining({ issueNumber: Number(n) }), branches: [`issueflow/issue-${n}-candidate-1`, `issueflow/issue-${n}-candidate-2`] }]);
    expect(stopped.sort()).toEqual([1, 2]);
    // Both agents were stopped before the branches went (a candidate still running could push its branch again).
    expect(stoppedWhenDeleted).toBe(2);
    expect(mock.named('promoteCandidate')).toEqual([]);
  });
});

/**
 * Candidates in a repo that waits for CI: both pass their tests; each push gives the candidate a new head
 * (`sha-c<candidate>-<round>`), whose checks `ci(candidate, round)` sets. The issue's own head is green.
 */
function ciCandidatesMock(lines: Record<number, number>, ci: (candidate: number, round: number) => CheckInfo['state'] | 'none', maxFixAttempts = 1): MockActivities {
  const mock = candidatesMock({ 1: true, 2: true }, lines, { candidates: 2, ci: { wait: true, maxFixAttempts, ignore: ['coverage'], timeoutMinutes: 60 } });
  const pushes: Record<number, number> = {};
  mock.overrides.commitAndPush = async (input) => {
    const c = candidateOf(input);
    if (!c) return { committed: true, sha: 'def', filesChanged: ['src/c0.ts'], pushed: true };
    pushes[c] = (pushes[c] ?? 0) + 1;
    return { committed: true, sha: `sha-c${c}-${pushes[c]}`, filesChanged: [`src/c${c}.ts`], pushed: true, linesChanged: lines[c] };
  };
  mock.overrides.getChecks = async ({ sha }) => {
    const coverage: CheckInfo = { name: 'coverage', state: 'failure', source: 'status' };
    const m = /^sha-c(\d+)-(\d+)$/.exec(sha);
    const state = m ? ci(Number(m[1]), Number(m[2])) : 'success';
    return state === 'none' ? [coverage] : [{ name: 'lint', state, source: 'check-run', checkRunId: 1 }, coverage];
  };
  mock.overrides.getCheckFailure = async ({ check }) => `Check \`${check.name}\` failed: 3 lint errors in src/c2.ts`;
  return mock;
}

test("with CI: the smaller candidate's CI stays red after its fix attempt, so the larger one, whose tests and CI passed, wins", async () => {
  const mock = ciCandidatesMock({ 1: 40, 2: 12 }, (c) => (c === 2 ? 'failure' : 'success'));
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    // Candidate 2 had one CI-fix round (ci.maxFixAttempts: 1), whose prompt carries the failing check's report.
    expect(mock.agentRuns('implement').map((r) => r.step).sort()).toEqual(['c1-implement-1', 'c2-implement-1', 'c2-implement-2']);
    const fix = mock.agentRuns('implement').find((r) => r.step === 'c2-implement-2')!.prompt;
    expect(fix).toContain('3 lint errors in src/c2.ts');
    expect(fix).not.toContain('The tests failed');
    // Each candidate read the checks of its own pushed heads; only the failing check's report was read, not the ignored one's.
    const shas = mock.named('getChecks').map((c) => (c.args[0] as { sha: string }).sha);
    expect(shas).toEqual(expect.arrayContaining(['sha-c1-1', 'sha-c2-1', 'sha-c2-2']));
    expect(mock.named('getCheckFailure').map((c) => (c.args[0] as { check: CheckInfo }).check.name)).toEqual(['lint']);
    expect(status.candidates!.list.map((c) => [c.index, c.state, c.ci, c.why])).toEqual([
      [1, 'passed', 'green', 'tests and CI passed'],
      [2, 'failed', 'red', 'CI red: lint after 1 fix attempt'],
    ]);
    expect(status.candidates).toMatchObject({ winner: 1, why: 'tests and CI passed, smallest diff (40 lines), the only one whose tests and CI passed' });
    expect((mock.named('promoteCandidate')[0].args[0] as { sha: string }).sha).toBe('sha-c1-1');
    const comment = mock.lastComment('status')!;
    expect(comment).toContain('candidate 1: claude-code, tests and CI passed, 40 lines');
    expect(comment).toContain('candidate 2: claude-code, failed, 12 lines, $0.50 (CI red: lint after 1 fix attempt)');
    await handle.terminate();
  });
});

test('with CI: a red CI fixed in a CI-fix round, and then the smaller diff wins', async () => {
  const mock = ciCandidatesMock({ 1: 40, 2: 12 }, (c, round) => (c === 2 && round === 1 ? 'failure' : 'success'));
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(mock.agentRuns('implement').map((r) => r.step).sort()).toEqual(['c1-implement-1', 'c2-implement-1', 'c2-implement-2']);
    expect(mock.agentRuns('implement').find((r) => r.step === 'c2-implement-2')!.prompt).toContain('3 lint errors in src/c2.ts');
    expect(status.candidates!.list.map((c) => [c.index, c.state, c.ci, c.why])).toEqual([
      [1, 'passed', 'green', 'tests and CI passed'],
      [2, 'passed', 'green', 'tests and CI passed'],
    ]);
    expect(status.candidates).toMatchObject({ winner: 2, why: 'tests and CI passed, smallest diff (12 lines vs 40)' });
    expect((mock.named('promoteCandidate')[0].args[0] as { sha: string }).sha).toBe('sha-c2-2');
    expect(mock.lastComment('status')).toContain('winner: candidate 2 — tests and CI passed, smallest diff (12 lines vs 40)');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'candidates-ci');
  });
});
