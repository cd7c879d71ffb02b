import { branchSha } from '../support/git-repos';
import { issueForm, type E2E, type E2EIssue, type MergeDelivery, useE2E } from './harness';

jest.setTimeout(180_000);

/**
 * Endings as GitHub makes them: a merged "Fixes #N" PR closes the issue too (its own webhook, in either
 * order, or the PR's lost) and deletes the branch; a fork's PR named like issueflow's is not issueflow's;
 * a reopened issue starts a new story that knows the old PR.
 */
describe('e2e: endings', () => {
  let e2e: E2E;
  const outcomes = useE2E('endings', { passing: true, deleteBranchOnMerge: true, echoOwnWrites: true }, (started) => {
    e2e = started;
  });

  /** An issue whose agent writes a file of its own (each PR needs a change `main` lacks); `pause` holds the agent that long first. */
  function openIssue(name: string, pause?: string): Promise<E2EIssue> {
    const context = [`agent: write notes/${name}.md ${name}`, ...(pause ? [`agent: pause implement ${pause}`] : [])].join('\n');
    return e2e.openIssue({ title: `Note ${name}`, body: issueForm({ description: `Add a note named ${name}.`, acceptanceCriteria: [`notes/${name}.md exists`], context }) });
  }

  /** Merges issueflow's PR with the webhooks delivered as `delivery` says; the story must end merged, as GitHub shows it. */
  async function mergeAndCheck(issue: E2EIssue, delivery: MergeDelivery): Promise<void> {
    const pr = await e2e.waitForPullRequest(issue, 90_000);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed');
    await e2e.waitForComment(issue, 'summary');
    const branch = `issueflow/issue-${issue.number}`;
    const pushesBefore = e2e.branchCommits(branch).length;
    expect(pushesBefore).toBeGreaterThan(0);
    const deliveries = await e2e.mergePullRequest(pr, 'acme', delivery);
    expect(deliveries.map((d) => d.event)).toEqual(
      delivery === 'pull-request-first' ? ['pull_request.closed', 'issues.closed'] : delivery === 'issues-first' ? ['issues.closed', 'pull_request.closed'] : ['issues.closed'],
    );
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged', pullRequest: { number: pr.number } });
    await e2e.webhooks.settle();
    expect(await e2e.workflowRuns(issue)).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    expect(e2e.labels(issue).filter((l) => l.startsWith('agent:'))).toEqual(['agent:completed']);
    expect(e2e.stateLabels(issue)).not.toContain('agent:cancelled');
    expect(e2e.comments(issue).filter((c) => /Cancelled/.test(c.body))).toEqual([]);
    expect(Object.keys(e2e.commentsByKind(issue)).sort()).toEqual(['status', 'summary']);
    // GitHub deleted the branch with the merge, and nothing brought it back.
    expect(branchSha(e2e.bare.bareDir, branch)).toBeUndefined();
    expect(e2e.standin.issue(e2e.repo, issue.number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
  }

  test("a fork's PR named issueflow/issue-N, opened and closed while the agent works, is ignored; the run goes on to its own PR, merged with the usual webhook order", async () => {
    const issue = await openIssue('fork', `4000 ${e2e.env.ISSUEFLOW_DATA_DIR}/fork-paused`);
    await e2e.waitForState(issue, 'implementing');
    e2e.standin.createRepo('mallory/widgets', { forkOf: e2e.repo });
    const fork = e2e.standin.openPullRequest(e2e.repo, { head: `issueflow/issue-${issue.number}`, headRepo: 'mallory/widgets', title: 'Mine', author: 'mallory' });
    e2e.standin.closePullRequest(e2e.repo, fork.number);
    const closed = await e2e.deliver('pull_request.closed', { repo: e2e.repo, number: fork.number, sender: 'mallory' });
    expect(closed.responses[0].body).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('from a fork') });
    expect(e2e.pullRequestOf(issue)).toBeUndefined();
    await mergeAndCheck(issue, 'pull-request-first');
    expect(e2e.pullRequestOf(issue)!.number).not.toBe(fork.number);
    outcomes.push("fork's PR ignored, own PR merged (PR webhook first)");
  });

  test("merged with the issue's webhook first: ends merged, not cancelled", async () => {
    await mergeAndCheck(await openIssue('issue-first'), 'issues-first');
    outcomes.push('issues.closed first -> merged');
  });

  test("merged with the PR's webhook lost: issueflow asks GitHub and ends merged", async () => {
    const issue = await openIssue('dropped');
    await mergeAndCheck(issue, 'drop-pull-request');
    expect(e2e.standin.requests.some((r) => r.operationId === 'pulls/get' && r.path.endsWith(`/pulls/${e2e.pullRequestOf(issue)!.number}`))).toBe(true);
    outcomes.push('PR webhook lost -> merged');
  });

  test('a reopened issue starts a new story that names the old PR', async () => {
    const issue = await openIssue('reopened');
    await mergeAndCheck(issue, 'pull-request-first');
    const old = e2e.pullRequestOf(issue)!;
    const reopened = await e2e.reopenIssue(issue, 'alice');
    expect(reopened.responses[0].body).toMatchObject({ outcome: 'started' });
    await e2e.waitForComment(issue, 'status', 60_000, (c) => c.body.includes(`Previous PR: [#${old.number}]`) && c.body.includes('(merged)'));
    // Closed again as not planned: a plain cancellation of the new story.
    await e2e.closeIssue(issue, 'alice', 'not_planned');
    await e2e.waitFor('the second run to end', async () => (await e2e.workflowRuns(issue)).every((r) => r.status !== 'RUNNING') || undefined);
    outcomes.push('reopened -> new story naming the merged PR');
  });
});
