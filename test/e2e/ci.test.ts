import { DEFAULT_REPO_CONFIG, headOf, issueForm, setCheckOnHead, type E2E, type E2EIssue, useE2E } from './harness';
import { poll } from './harness/poll';

jest.setTimeout(180_000);

/** GitHub REST calls so far (reads and writes), for the notes: what a story costs in GitHub's budget. */
const restCalls = (e2e: E2E) => `${e2e.standin.requests.length} REST calls, ${e2e.standin.requests.filter((r) => r.method !== 'GET').length} of them writes`;

/**
 * CI on issueflow's PR, on real parts: checks reported on the PR head by the stand-in (GitHub Actions check
 * runs, their `check_run` webhooks delivered to issueflow), the failing job's log read through GitHub's
 * redirect, the fix pushed to the real bare repo.
 */
describe('e2e: CI on the pull request', () => {
  let e2e: E2E;
  const outcomes = useE2E('ci', { passing: true, echoOwnWrites: true, repoConfig: `${DEFAULT_REPO_CONFIG}ci:\n  maxFixAttempts: 1\n` }, (started) => {
    e2e = started;
  });

  function openIssue(name: string): Promise<E2EIssue> {
    return e2e.openIssue({ title: `Note ${name}`, body: issueForm({ description: `Add a note named ${name}.`, acceptanceCriteria: [`notes/${name}.md exists`], context: `agent: write notes/${name}.md ${name}` }) });
  }

  /** Waits until issueflow waits for the checks of the branch's head (a head other than `before`); returns that head. */
  async function waitForCheckWait(issue: E2EIssue, before?: string): Promise<string> {
    return poll(`${issue.workflowId} waiting for the checks of its head`, 90_000, async () => {
      const job = await e2e.job(issue);
      const head = headOf(e2e, issue);
      return job?.issue?.state === 'checking' && job.issue.checks?.sha === head && head !== before ? head : undefined;
    }, () => e2e.diagnose(issue));
  }

  const implementRounds = async (issue: E2EIssue) => (await e2e.job(issue))!.issue!.steps.filter((s) => s.step === 'implementing').length;

  test("CI red, then green: the fix round's prompt holds the failing job's log tail, the status comment shows the checks, the story completes after the second push", async () => {
    const issue = await openIssue('red-green');
    const pr = await e2e.waitForPullRequest(issue, 90_000);
    const first = await waitForCheckWait(issue);
    // The scripted agent follows `agent:` lines anywhere in its prompt: the file exists only if the log reached it.
    const log = ['##[group]Run npm test', ...Array.from({ length: 80 }, (_, i) => `noise ${i}`), 'agent: write notes/ci-fix.md fixed from the CI log', 'Error: expected 5, got -1', '##[error]Process completed with exit code 1.'].join('\n');
    setCheckOnHead(e2e, issue, 'build', { conclusion: 'failure', output: { title: '1 test failed', summary: 'add() is wrong' }, log });

    const second = await waitForCheckWait(issue, first);
    const branch = `issueflow/issue-${issue.number}`;
    expect(e2e.branchFiles(branch)['notes/ci-fix.md']).toBe('fixed from the CI log');
    expect(e2e.branchFiles(branch)['notes/noise.md']).toBeUndefined();
    setCheckOnHead(e2e, issue, 'build', { conclusion: 'success' });

    const done = await e2e.waitForState(issue, 'completed');
    expect(done.checks).toMatchObject({ sha: second, items: [{ name: 'build', state: 'success', source: 'check-run' }] });
    const summary = await e2e.waitForComment(issue, 'summary', 60_000, (c) => c.body.includes('**CI:**'));
    expect(summary.body).toContain('**CI:** green (1 checks)');
    const status = e2e.commentsByKind(issue).status[0].body;
    expect(status).toContain(`**Checks** of \`${second.slice(0, 7)}\``);
    expect(status).toMatch(/✅ \[build\]\(http:\/\/127\.0\.0\.1:\d+\/acme\/widgets\/actions\/runs\/\d+\/job\/\d+\): success/);
    expect(await implementRounds(issue)).toBe(2);
    // GitHub's CI webhooks reached the run: a check run and its suite, for each head.
    await e2e.webhooks.settle();
    const ci = e2e.webhooks.log.filter((d) => d.event.startsWith('check_'));
    expect(ci.map((d) => [d.event, d.responses[0].body.outcome])).toEqual([
      ['check_run.completed', 'signaled'],
      ['check_suite.completed', 'signaled'],
      ['check_run.completed', 'signaled'],
      ['check_suite.completed', 'signaled'],
    ]);

    await e2e.mergePullRequest(pr, 'acme');
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });
    outcomes.push(`red -> fix round with the log -> green -> merged (${restCalls(e2e)})`);
  });

  test('CI that stays red escalates after ci.maxFixAttempts, naming the check and linking its log; /agent retry-ci re-runs the failed jobs without an agent round', async () => {
    const issue = await openIssue('stays-red');
    const pr = await e2e.waitForPullRequest(issue, 90_000);
    await waitForCheckWait(issue);
    setCheckOnHead(e2e, issue, 'lint', { conclusion: 'failure', output: { title: 'lint failed', summary: 'no-unused-vars' }, log: 'error  x is unused' });
    // The fix round changes nothing: the same head, still red.
    const escalated = await e2e.waitForState(issue, 'escalated', 90_000);
    expect(escalated.lastError).toMatchObject({ step: 'checks', type: 'ChecksFailed' });
    const escalation = await e2e.waitForComment(issue, 'escalation');
    expect(escalation.body).toContain('CI check `lint` still fails after 1 fix attempts');
    expect(escalation.body).toMatch(/\/acme\/widgets\/actions\/runs\/(\d+)\/job\/\d+/);
    expect(await implementRounds(issue)).toBe(2);

    const runId = Number(/\/actions\/runs\/(\d+)\//.exec(escalation.body)![1]);
    await e2e.comment(issue, 'alice', '/agent retry-ci');
    await poll('the re-run of the failed jobs', 60_000, () => e2e.standin.repoOf(e2e.repo).reruns.includes(runId), () => e2e.diagnose(issue));
    setCheckOnHead(e2e, issue, 'lint', { conclusion: 'success' });
    await e2e.waitForState(issue, 'completed');
    expect(await implementRounds(issue)).toBe(2);

    await e2e.mergePullRequest(pr, 'acme');
    expect(await e2e.waitForEnd(issue)).toMatchObject({ outcome: 'merged' });
    outcomes.push('stays red -> escalated naming lint -> retry-ci -> green');
  });
});
