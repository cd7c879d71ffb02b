import { inStoryOrder, issueForm, type E2E, type E2EIssue, useE2E } from './harness';

jest.setTimeout(180_000);

const TIMES = 3;

/** GitHub redelivers and races: every webhook arrives three times with the same delivery id; each effect happens once. */
describe('e2e: duplicate deliveries', () => {
  let e2e: E2E;
  const outcomes = useE2E('duplicates', { echoOwnWrites: true, deliveries: { times: TIMES, concurrent: true } }, (started) => {
    e2e = started;
  });

  /** Each delivery was acted on once; its copies were answered as duplicates. */
  async function expectEachDeliveryActedOnOnce(): Promise<void> {
    await e2e.webhooks.settle();
    for (const d of e2e.webhooks.log) {
      expect([d.event, d.responses.length]).toEqual([d.event, TIMES]);
      const acted = d.responses.filter((r) => r.status === 202);
      const duplicates = d.responses.filter((r) => r.status === 200 && r.body.duplicate === true);
      expect([d.event, acted.length, duplicates.length]).toEqual([d.event, 1, TIMES - 1]);
    }
  }

  function expectOneOfEachComment(issue: E2EIssue, kinds: string[]): void {
    const byKind = e2e.commentsByKind(issue);
    expect(Object.keys(byKind).sort()).toEqual([...kinds].sort());
    for (const k of ['status', 'question', 'plan']) if (byKind[k]) expect([k, byKind[k].length]).toEqual([k, 1]);
  }

  test('copies at once (a race): one workflow run, one comment of each kind, one PR, one commit per round', async () => {
    const issue = await e2e.openIssue({
      title: 'add() subtracts',
      body: issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', context: 'agent: replace math.js a - b => a + b' }),
    });
    await e2e.waitForComment(issue, 'question');
    await e2e.waitForState(issue, 'awaiting-feedback');
    await e2e.comment(issue, 'alice', '### Acceptance criteria\n\n- `npm test` passes');
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed

    await e2e.review(pr, 'bob', 'Add a changelog entry.\nagent: write CHANGES.md add() adds');
    await e2e.waitForComment(issue, 'summary', 60_000, (c) => c.key === 'summary-2');
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchCommits(pr.head).map((c) => c.author)).toEqual(['issueflow', 'issueflow']);
    await e2e.mergePullRequest(pr);
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });

    expect(await e2e.workflowRuns(issue)).toHaveLength(1);
    expect(e2e.pullRequests()).toHaveLength(1);
    expectOneOfEachComment(issue, ['status', 'question', 'summary']);
    expect(e2e.commentsByKind(issue).summary.map((c) => c.key)).toEqual(['summary-1', 'summary-2']);
    const labels = e2e.stateLabels(issue);
    expect(inStoryOrder(labels, ['agent:queued', 'agent:awaiting-feedback', 'agent:analyzing', 'agent:implementing', 'agent:testing', 'agent:completed', 'agent:implementing', 'agent:testing', 'agent:completed'])).toBe(true);
    expect(labels).toEqual(expect.arrayContaining(['agent:queued', 'agent:awaiting-feedback', 'agent:completed']));
    await expectEachDeliveryActedOnOnce();
    outcomes.push(`race: 1 run, 1 PR, 2 commits`);
  });

  test('copies one after the other (redeliveries), including a command: `/agent approve` is acted on once', async () => {
    e2e.setRepoConfig('approval: always\nmaxFixAttempts: 1\ntimeouts:\n  agentMinutes: 2\n  testMinutes: 1\n');
    const send = { times: TIMES, concurrent: false };
    const created = e2e.standin.openIssue(e2e.repo, {
      author: 'alice',
      title: 'Document add()',
      body: issueForm({ description: 'Write a short note on what add() returns.', acceptanceCriteria: ['docs/add.md exists'], context: 'agent: write docs/add.md add(a, b) returns a + b\nagent: replace math.js a - b => a + b' }),
      labels: ['agent'],
    });
    const issue = { repo: e2e.repo, number: created.number, workflowId: `${e2e.repo}#${created.number}` };
    const redelivered = [
      await e2e.deliver('issues.opened', { repo: e2e.repo, number: issue.number }, send),
      await e2e.deliver('issues.labeled', { repo: e2e.repo, number: issue.number, label: 'agent', sender: 'alice' }, send),
    ];
    await e2e.waitForState(issue, 'awaiting-approval');
    const approve = e2e.standin.addComment(e2e.repo, issue.number, { author: 'alice', body: '/agent approve' });
    redelivered.push(await e2e.deliver('issue_comment.created', { repo: e2e.repo, number: issue.number, commentId: approve.id }, send));
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchCommits(pr.head)).toHaveLength(1);
    await e2e.mergePullRequest(pr);
    await e2e.waitForEnd(issue);

    expect(await e2e.workflowRuns(issue)).toHaveLength(1);
    expect(e2e.standin.comment(e2e.repo, approve.id)?.reactions).toHaveLength(1);
    expectOneOfEachComment(issue, ['status', 'plan', 'summary']);
    // The first copy is acted on, the redeliveries are recognised by their id.
    for (const d of redelivered) expect(d.responses.map((r) => r.status)).toEqual([202, 200, 200]);
    await expectEachDeliveryActedOnOnce();
    outcomes.push('redelivered: 1 run, 1 reaction, 1 PR');
  });
});
