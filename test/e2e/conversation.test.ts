import { DEFAULT_REPO_CONFIG, inStoryOrder, issueForm, type E2E, type E2EIssue, useE2E } from './harness';

jest.setTimeout(180_000);

const FIX = 'agent: replace math.js a - b => a + b';

/** People and issueflow talking through the issue and the PR, on real parts, with issueflow's own comments echoed back. */
describe('e2e: conversation', () => {
  let e2e: E2E;
  const outcomes = useE2E('conversation', { echoOwnWrites: true }, (started) => {
    e2e = started;
  });

  async function mergeAndEnd(issue: E2EIssue): Promise<void> {
    const pr = e2e.pullRequestOf(issue)!;
    await e2e.mergePullRequest(pr);
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });
  }

  test('missing acceptance criteria: a question comment, the author answers, the work continues to a PR', async () => {
    const issue = await e2e.openIssue({
      title: 'Make add() add',
      body: issueForm({ description: 'The add function in math.js subtracts; it must return the sum of its arguments.', context: FIX }),
    });
    const question = await e2e.waitForComment(issue, 'question');
    expect(question.body).toMatch(/acceptance criteria/i);
    await e2e.waitForState(issue, 'awaiting-feedback');
    expect(e2e.pullRequestOf(issue)).toBeUndefined();

    await e2e.comment(issue, 'alice', '### Acceptance criteria\n\n- add(2, 3) returns 5\n- `npm test` passes');
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchFiles(pr.head)['math.js']).toBe('exports.add = (a, b) => a + b;');
    const byKind = e2e.commentsByKind(issue);
    expect(byKind.question).toHaveLength(1);
    expect(byKind.status).toHaveLength(1);
    const labels = e2e.stateLabels(issue);
    expect(inStoryOrder(labels, ['agent:queued', 'agent:awaiting-feedback', 'agent:analyzing', 'agent:implementing', 'agent:testing', 'agent:completed'])).toBe(true);
    expect(labels).toEqual(expect.arrayContaining(['agent:queued', 'agent:awaiting-feedback', 'agent:completed']));
    await mergeAndEnd(issue);
    outcomes.push(`question answered -> PR #${pr.number}`);
  });

  test('a PR review starts a second round: a second commit by issueflow on the same branch, the same PR', async () => {
    const issue = await e2e.openIssue({
      title: 'add() subtracts',
      body: issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', acceptanceCriteria: ['`npm test` passes'], context: `${FIX}\nagent: write lib/double.js exports.double = (x) => x * 2;` }),
    });
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchCommits(pr.head)).toHaveLength(1);

    const review = await e2e.review(pr, 'bob', 'Please note the fix in a changelog.\nagent: write CHANGES.md add() returns the sum now');
    expect(review.responses[0]).toMatchObject({ status: 202, body: { outcome: 'signaled' } });
    const commits = await e2e.waitFor('a second commit on the branch', () => {
      const list = e2e.branchCommits(pr.head);
      return list.length >= 2 && list;
    });
    expect(commits.map((c) => c.author)).toEqual(['issueflow', 'issueflow']);
    expect(e2e.branchFiles(pr.head)['CHANGES.md']).toBe('add() returns the sum now');
    await e2e.waitForComment(issue, 'summary', 60_000, (c) => c.key === 'summary-2');
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.pullRequests().filter((p) => p.head === pr.head)).toHaveLength(1);
    expect(e2e.commentsByKind(issue).status).toHaveLength(1);
    await mergeAndEnd(issue);
    outcomes.push(`review round -> 2 commits on ${pr.head}`);
  });

  test('approval: always: the plan waits for `/agent approve` (acknowledged with +1), then the work goes on', async () => {
    e2e.setRepoConfig(DEFAULT_REPO_CONFIG.replace('approval: never', 'approval: always'));
    const issue = await e2e.openIssue({
      title: 'Fix add()',
      body: issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', acceptanceCriteria: ['`npm test` passes'], context: `agent: step Swap the operator in math.js\n${FIX}\nagent: write docs/add.md add() returns the sum` }),
    });
    const plan = await e2e.waitForComment(issue, 'plan');
    expect(plan.body).toContain('Swap the operator in math.js');
    expect(plan.body).toContain('/agent approve');
    await e2e.waitForState(issue, 'awaiting-approval');
    expect(e2e.pullRequestOf(issue)).toBeUndefined();

    const approval = await e2e.comment(issue, 'alice', '/agent approve');
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    const reactions = await e2e.waitFor('the reaction to /agent approve', () => {
      const list = e2e.standin.comment(e2e.repo, approval)?.reactions ?? [];
      return list.length > 0 && list;
    });
    expect(reactions.map((r) => [r.user, r.content])).toEqual([['issueflow-bot', '+1']]);
    const labels = e2e.stateLabels(issue);
    expect(inStoryOrder(labels, ['agent:queued', 'agent:analyzing', 'agent:awaiting-approval', 'agent:implementing', 'agent:testing', 'agent:completed'])).toBe(true);
    expect(labels).toEqual(expect.arrayContaining(['agent:queued', 'agent:awaiting-approval', 'agent:completed']));
    expect(e2e.commentsByKind(issue).plan).toHaveLength(1);
    await mergeAndEnd(issue);
    e2e.setRepoConfig(DEFAULT_REPO_CONFIG);
    outcomes.push(`plan approved -> PR #${pr.number}`);
  });

  test('the answer arrives while the worker is down (SIGKILL): after the restart the work continues', async () => {
    const issue = await e2e.openIssue({
      title: 'Add a square function',
      body: issueForm({ description: 'math.js needs square(x) returning x * x for the geometry code.', context: `${FIX}\nagent: write square.js exports.square = (x) => x * x;` }),
    });
    await e2e.waitForState(issue, 'awaiting-feedback');
    // Nothing in flight when it dies (a GitHub write cut off would wait out its 1-minute time-out: the slow suites' topic).
    await Promise.all([
      e2e.waitForComment(issue, 'question'),
      e2e.waitForLabel(issue, 'agent:awaiting-feedback'),
      e2e.waitForComment(issue, 'status', 30_000, (c) => c.body.includes('agent:awaiting-feedback')),
    ]);
    expect(await e2e.killWorker('SIGKILL')).toBeNull();
    await e2e.comment(issue, 'alice', '### Acceptance criteria\n\n- square(3) is 9');
    await e2e.restartWorker();
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchFiles(pr.head)['square.js']).toBe('exports.square = (x) => x * x;');
    expect(e2e.commentsByKind(issue).question).toHaveLength(1);
    expect(await e2e.workflowRuns(issue)).toHaveLength(1);
    await mergeAndEnd(issue);
    outcomes.push('answer while the worker was down -> PR after restart');
  });

  test('the author edits the issue to add what was asked: the work continues without a reply', async () => {
    const body = issueForm({ description: 'math.js needs cube(x) returning x * x * x.', context: `${FIX}\nagent: write cube.js exports.cube = (x) => x * x * x;` });
    const issue = await e2e.openIssue({ title: 'Add cube()', body });
    await e2e.waitForState(issue, 'awaiting-feedback');
    const edited = await e2e.editIssue(issue, body.replace('### Acceptance criteria\n\n_No response_', '### Acceptance criteria\n\n- cube(2) is 8'));
    expect(edited.responses[0]).toMatchObject({ status: 202, body: { outcome: 'signaled' } });
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    expect(e2e.branchFiles(pr.head)['cube.js']).toBe('exports.cube = (x) => x * x * x;');
    await mergeAndEnd(issue);
    outcomes.push('issue edited -> PR');
  });

  test('tests still fail: an escalation; a maintainer hint and `/agent retry` lead to the PR', async () => {
    const issue = await e2e.openIssue({
      title: 'Add half()',
      body: issueForm({ description: 'math.js needs half(x) returning x / 2, and test.js must check it.', acceptanceCriteria: ['`npm test` passes'], context: `${FIX}\n` + "agent: write half.test.js require('node:assert').strictEqual(require('./half').half(4), 2);\nagent: replace package.json node test.js => node test.js && node half.test.js" }),
    });
    const escalation = await e2e.waitForComment(issue, 'escalation');
    expect(escalation.body).toMatch(/step `test` failed \(`TestsFailed`\)/);
    await e2e.waitForState(issue, 'escalated');
    await e2e.comment(issue, 'acme', "The module is missing.\nagent: write half.js exports.half = (x) => x / 2;");
    await e2e.comment(issue, 'acme', '/agent retry');
    const pr = await e2e.waitForPullRequest(issue);
    await e2e.waitForState(issue, 'completed');
    expect(e2e.branchFiles(pr.head)['half.js']).toBe('exports.half = (x) => x / 2;');
    expect(e2e.branchCommits(pr.head).length).toBeGreaterThanOrEqual(2);
    await mergeAndEnd(issue);
    outcomes.push('escalated, hint + retry -> PR');
  });

  test('the author closes the issue while issueflow waits: cancelled, with a final comment and the label', async () => {
    const issue = await e2e.openIssue({ title: 'Rename add', body: issueForm({ description: 'Rename add to sum everywhere in the project.' }) });
    await e2e.waitForState(issue, 'awaiting-feedback');
    const closed = await e2e.closeIssue(issue, 'alice');
    expect(closed.responses[0]).toMatchObject({ status: 202, body: { outcome: 'cancel-requested' } });
    // A closed issue is a Temporal cancellation: the run cleans up, then ends CANCELLED.
    await expect(e2e.waitForEnd(issue)).rejects.toThrow(/cancelled/);
    expect(await e2e.workflowRuns(issue)).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    await e2e.waitForLabel(issue, 'agent:cancelled');
    expect(e2e.labels(issue).filter((l) => l.startsWith('agent:'))).toEqual(['agent:cancelled']);
    expect(e2e.commentsByKind(issue).final[0].body).toMatch(/^Cancelled\./m);
    expect(e2e.pullRequestOf(issue)).toBeUndefined();
    outcomes.push('issue closed -> cancelled');
  });

  test("issueflow's own comments and labels, echoed as GitHub does, are all ignored", async () => {
    await e2e.webhooks.settle();
    const echoes = e2e.webhooks.log.filter((d) => d.echo);
    expect(echoes.length).toBeGreaterThan(10);
    for (const d of echoes) expect(d.responses).toEqual([expect.objectContaining({ status: 202, body: expect.objectContaining({ outcome: 'ignored' }) })]);
    expect(e2e.webhooks.failures).toEqual([]);
    outcomes.push(`${echoes.length} echoes ignored`);
  });
});
