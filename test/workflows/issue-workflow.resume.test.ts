import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgentRunInput } from '../../src/activities/types';
import type { ReviewSignalArgs } from '../../src/workflows/messages';
import { MockActivities } from './support/mock-activities';
import { inState, issueInput, recordHistory, startIssue, statusOf, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { command, merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const failingTests = { passed: false, exitCode: 1, timedOut: false, durationMs: 900, outputTail: 'FAIL test/header.test.ts\n  expected "Hi" to be "Hello"' };
const passingTests = { ...failingTests, passed: true, exitCode: 0, outputTail: 'ok' };

/** A mock whose agent names a new session each run (as the scripted agent and Claude Code do) and whose tests fail `failures` times. */
function sessionMock(failures: number): MockActivities {
  const mock = new MockActivities();
  let runs = 0;
  mock.overrides.runAgent = async (input) => ({
    agent: 'claude-code',
    exitCode: 0,
    resultText: 'done',
    ...(input.mode === 'plan' ? { plan: mock.plan } : {}),
    costUsd: 0.25,
    outputTail: 'ok',
    durationMs: 1000,
    sessionId: `session-${++runs}`,
    // As Claude Code reports it: the session's cost, here as if every run had continued the one before.
    sessionCostUsd: 0.25 * runs,
    ...(input.resume ? { resumed: true } : {}),
  });
  let testRuns = 0;
  mock.overrides.runTests = async () => (++testRuns <= failures ? failingTests : passingTests);
  return mock;
}

/** The session each implement run was told to continue, and the one it named. */
const chain = (mock: MockActivities) =>
  mock.named('runAgent').filter((c) => (c.args[0] as AgentRunInput).mode === 'implement').map((c) => (c.args[0] as AgentRunInput).resume?.sessionId);

test('a fix loop: every round after the first continues the session of the round before, told only the new failure; a review round continues it too', async () => {
  const mock = sessionMock(2);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed after two fix rounds');
    // Run 1 is the plan (plan-mode sessions are not continued); implement runs 2, 3, 4.
    expect(chain(mock)).toEqual([undefined, 'session-2', 'session-3']);
    const [first, second] = mock.agentRuns('implement');
    expect(first.resume).toBeUndefined();
    expect(second.resume).toMatchObject({ agent: 'claude-code', sessionId: 'session-2', sessionCostUsd: 0.5 });
    expect(second.resume!.prompt).toContain('expected "Hi" to be "Hello"');
    expect(second.resume!.prompt).not.toContain('The greeting in the header is hard-coded');
    // The whole prompt goes along for a cold start (the CLI may not know the session).
    expect(second.prompt).toContain('The greeting in the header is hard-coded');
    const status = await statusOf(handle);
    expect(status.steps.filter((s) => s.step === 'implementing').map((s) => s.note)).toEqual([expect.stringMatching(/^round 1, /), expect.stringMatching(/^round 2 \(session continued\), /), expect.stringMatching(/^round 3 \(session continued\), /)]);

    const review: ReviewSignalArgs = { deliveryId: 'review-1', kind: 'review-comment', author: 'bob', body: 'Use a constant for the default greeting.', pullRequestNumber: 101, path: 'src/header.ts', line: 12 };
    await handle.signal('review', review);
    await waitForStatus(handle, (s) => inState('completed')(s) && mock.agentRuns('implement').length === 4, 'completed after the review round');
    expect(chain(mock)).toEqual([undefined, 'session-2', 'session-3', 'session-4']);
    const reviewRound = mock.agentRuns('implement')[3].resume!;
    expect(reviewRound.prompt).toContain('review from @bob on src/header.ts:12');
    expect(reviewRound.prompt).not.toContain('expected "Hi" to be "Hello"');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'fix-loop-resumed');
  });
});

test.each([
  ['the same worktree', false, 'session-4'],
  ['a rebuilt worktree', true, undefined],
])('after an escalation, /agent retry on %s: the next round continues (or starts cold)', async (_what, rebuilt, expected) => {
  const mock = sessionMock(4);
  let prepares = 0;
  mock.overrides.prepareWorkspace = async () => ({ baseBranch: 'main', headSha: 'abc', rebuilt: ++prepares === 1 || rebuilt });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('escalated'), 'the escalation after three failing rounds');
    expect(chain(mock)).toEqual([undefined, 'session-2', 'session-3']);
    await handle.signal('command', command('retry', 'retry-1'));
    await waitForStatus(handle, inState('completed'), 'completed after the retry');
    expect(prepares).toBe(2);
    expect(chain(mock)).toEqual([undefined, 'session-2', 'session-3', expected]);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });
});
