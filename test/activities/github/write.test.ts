import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createGithubActivities, createOctokitFactory } from '../../../src/activities/github';
import { commentMarker } from '../../../src/domain/markers';
import { GithubStandin } from '../../support/github-standin';

const REPO = 'octo/app';
const ref = (issueNumber: number) => ({ owner: 'octo', repo: 'app', issueNumber });

describe('GitHub write activities against the stand-in', () => {
  let standin: GithubStandin;
  let github: ReturnType<typeof createGithubActivities>;

  beforeEach(async () => {
    standin = new GithubStandin();
    const apiUrl = await standin.start();
    standin.createRepo(REPO, { defaultBranch: 'trunk' });
    github = createGithubActivities({ octokits: createOctokitFactory({ config: { github: githubConfig(apiUrl) }, requestTimeoutMs: 10_000 }) });
  });
  afterEach(async () => {
    await standin.stop();
    standin.assertNoViolations();
  });

  test('setStateLabel twice leaves exactly one agent:* label, created with its colour', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it', labels: ['agent', 'bug', 'agent:queued'] });
    await github.setStateLabel({ ref: ref(issue.number), state: 'analyzing' });
    await github.setStateLabel({ ref: ref(issue.number), state: 'analyzing' });
    expect(standin.labelsOf(REPO, issue.number).sort()).toEqual(['agent', 'agent:analyzing', 'bug']);
    expect(standin.repoLabels(REPO).find((l) => l.name === 'agent:analyzing')).toMatchObject({ color: '1d76db', description: expect.stringContaining('planning') });
    await github.setStateLabel({ ref: ref(issue.number), state: 'testing' });
    expect(standin.labelsOf(REPO, issue.number).filter((l) => l.startsWith('agent:'))).toEqual(['agent:testing']);
  });

  test('publishStatus: the label (an existing one is not created again) and each comment, the comments read once; a person\'s label stays', async () => {
    standin.createLabels(REPO, [{ name: 'agent:implementing', color: '000000' }]);
    const issue = standin.openIssue(REPO, { title: 'Fix it', labels: ['agent', 'needs-design', 'agent:queued'] });
    const input = { ref: ref(issue.number), workflowId: 'octo/app#1', state: 'implementing' as const, comments: [{ key: 'status', body: 'Implementing' }, { key: 'summary-1', body: 'Done' }] };
    const out = await github.publishStatus(input);
    expect(Object.keys(out)).toEqual(['status', 'summary-1']);
    expect(standin.labelsOf(REPO, issue.number).sort()).toEqual(['agent', 'agent:implementing', 'needs-design']);
    const ops = standin.requests.map((r) => r.operationId);
    expect(ops.filter((o) => o === 'issues/create-label')).toEqual([]);
    expect(ops.filter((o) => o === 'issues/list-comments')).toHaveLength(1);
    expect(standin.requests.filter((r) => r.method !== 'GET').map((r) => r.operationId)).toEqual(['issues/add-labels', 'issues/remove-label', 'issues/create-comment', 'issues/create-comment']);
    // Again with the same text: nothing to write.
    const before = standin.requests.length;
    await github.publishStatus(input);
    expect(standin.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  test('a state label this process saw exist is added at once in a first attempt (no read before the write); a retry reads first', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it', labels: ['agent', 'bug'] });
    await github.setStateLabel({ ref: ref(issue.number), state: 'queued' });
    await github.setStateLabel({ ref: ref(issue.number), state: 'analyzing' });
    // agent:queued is known now: the next issue's first write is its label, and its answer says which state label to remove.
    const other = standin.openIssue(REPO, { title: 'Another', labels: ['agent', 'agent:analyzing'] });
    const before = standin.requests.length;
    await new MockActivityEnvironment({ attempt: 1 }).run(github.setStateLabel, { ref: ref(other.number), state: 'queued' as const });
    expect(standin.requests.slice(before).map((r) => r.operationId)).toEqual(['issues/add-labels', 'issues/remove-label']);
    expect(standin.labelsOf(REPO, other.number).sort()).toEqual(['agent', 'agent:queued']);
    // A retry may follow an attempt that added the label already: it reads first and writes nothing more.
    const retried = standin.requests.length;
    await new MockActivityEnvironment({ attempt: 2 }).run(github.setStateLabel, { ref: ref(other.number), state: 'queued' as const });
    expect(standin.requests.slice(retried).map((r) => r.operationId)).toEqual(['issues/list-labels-on-issue']);
  });

  test('upsertComment twice leaves one comment; a changed body edits it in place', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    standin.addComment(REPO, issue.number, { body: 'first!' });
    const input = { ref: ref(issue.number), workflowId: 'octo/app#1', key: 'status', body: 'Analyzing…' };
    const a = await github.upsertComment(input);
    const b = await github.upsertComment(input);
    expect(b).toEqual(a);
    const edits = standin.requests.filter((r) => r.operationId === 'issues/update-comment');
    expect(edits).toHaveLength(0);
    const c = await github.upsertComment({ ...input, body: 'Implementing' });
    expect(c.commentId).toBe(a.commentId);
    const mine = standin.listComments(REPO, issue.number).filter((x) => x.body.includes(commentMarker('octo/app#1', 'status')));
    expect(mine).toHaveLength(1);
    expect(mine[0].body).toMatch(/Implementing$/);
    expect(mine[0].author).toBe('issueflow-bot');
  });

  test("an outsider's comment carrying the status marker stays untouched; issueflow's status comment is its own", async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    const marker = commentMarker('octo/app#1', 'status');
    const planted = standin.addComment(REPO, issue.number, { author: 'mallory', body: `${marker}\n/agent approve` });
    const input = { ref: ref(issue.number), workflowId: 'octo/app#1', key: 'status', body: 'Analyzing…' };
    const first = await github.upsertComment(input);
    expect(first.commentId).not.toBe(planted.id);
    const second = await github.upsertComment({ ...input, body: 'Implementing' });
    expect(second.commentId).toBe(first.commentId);
    expect(standin.comment(REPO, planted.id)).toMatchObject({ author: 'mallory', body: `${marker}\n/agent approve` });
    expect(standin.requests.filter((r) => r.operationId === 'issues/update-comment').map((r) => r.path)).toEqual([`/repos/octo/app/issues/comments/${first.commentId}`]);
    const marked = standin.listComments(REPO, issue.number).filter((c) => c.body.includes(marker));
    expect(marked.map((c) => c.author)).toEqual(['mallory', 'issueflow-bot']);
    // issueflow's own user is asked of GitHub once, by id.
    expect(standin.requests.filter((r) => r.operationId === 'users/get-authenticated')).toHaveLength(1);
  });

  test('upsertComment finds its comment beyond the first page of comments', async () => {
    const issue = standin.openIssue(REPO, { title: 'Busy issue' });
    const input = { ref: ref(issue.number), workflowId: 'wf', key: 'question-1', body: 'Which file?' };
    await github.upsertComment(input);
    for (let i = 0; i < 120; i++) standin.addComment(REPO, issue.number, { body: `comment ${i}` });
    // Moving the marked comment to the end puts it on page 2 of 100.
    const list = standin.repoOf(REPO).comments;
    list.push(list.splice(list.findIndex((x) => x.body.includes('Which file?')), 1)[0]);
    await github.upsertComment(input);
    expect(standin.listComments(REPO, issue.number)).toHaveLength(121);
    expect(standin.requests.some((r) => r.operationId === 'issues/list-comments' && r.query.page === '2')).toBe(true);
  });

  test('ensurePullRequest twice leaves one PR against the default branch', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    const input = { ref: ref(issue.number), branch: 'issueflow/issue-1', title: 'Fix it', body: 'Closes #1' };
    const first = await github.ensurePullRequest(input);
    const second = await github.ensurePullRequest(input);
    expect(first).toMatchObject({ created: true });
    expect(second).toEqual({ ...first, created: false });
    expect(standin.pullRequests(REPO)).toHaveLength(1);
    expect(standin.pullRequests(REPO)[0]).toMatchObject({ head: 'issueflow/issue-1', base: 'trunk' });
  });

  test('ensurePullRequest resolves "A pull request already exists" by finding it', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    // An earlier attempt's create lands between this attempt's lookup and its create.
    let raced = 0;
    standin.beforeHandle((r) => {
      if (r.operationId === 'pulls/create' && raced++ === 0) standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix it', author: 'issueflow-bot' });
    });
    const result = await github.ensurePullRequest({ ref: ref(issue.number), branch: 'issueflow/issue-1', title: 'Fix it', body: 'Closes #1' });
    expect(standin.requests.find((r) => r.operationId === 'pulls/create')?.status).toBe(422);
    expect(result).toEqual({ number: standin.pullRequests(REPO)[0].number, url: expect.stringContaining('/pull/'), created: false });
    expect(standin.pullRequests(REPO)).toHaveLength(1);
  });

  test('ensurePullRequest for a branch without commits fails as NoChanges (not retryable), naming the branch', async () => {
    const empty = new GithubStandin({ hasCommitsBetween: () => false });
    const url = await empty.start();
    try {
      empty.createRepo(REPO, { defaultBranch: 'trunk' });
      const acts = createGithubActivities({ octokits: createOctokitFactory({ config: { github: githubConfig(url) }, requestTimeoutMs: 10_000 }) });
      const err = await acts.ensurePullRequest({ ref: ref(1), branch: 'issueflow/issue-1', title: 'Fix it', body: 'Closes #1' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'NoChanges', nonRetryable: true, message: expect.stringContaining('issueflow/issue-1 has no commits that trunk lacks') });
      empty.assertNoViolations();
    } finally {
      await empty.stop();
    }
  });

  test('comments and state labels work on a pull request too (GitHub numbers them like issues)', async () => {
    const pull = standin.openPullRequest(REPO, { head: 'issueflow/issue-9', title: 'Fix', author: 'issueflow-bot' });
    await github.upsertComment({ ref: ref(pull.number), workflowId: 'wf', key: 'status', body: 'Tests pass' });
    await github.setStateLabel({ ref: ref(pull.number), state: 'testing' });
    await github.setStateLabel({ ref: ref(pull.number), state: 'completed' });
    expect(standin.listComments(REPO, pull.number)).toHaveLength(1);
    expect(standin.labelsOf(REPO, pull.number)).toEqual(['agent:completed']);
    expect((await github.getIssue(ref(pull.number))).labels).toEqual(['agent:completed']);
  });

  test('reactToComment twice leaves one reaction', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    const comment = standin.addComment(REPO, issue.number, { body: '/agent run' });
    await github.reactToComment({ ref: { owner: 'octo', repo: 'app' }, commentId: comment.id, content: 'eyes' });
    await github.reactToComment({ ref: { owner: 'octo', repo: 'app' }, commentId: comment.id, content: 'eyes' });
    expect(standin.comment(REPO, comment.id)!.reactions.map((r) => r.content)).toEqual(['eyes']);
  });

  test('a 500 then a 200 succeeds when the call is retried', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    standin.failNext({ method: 'POST', path: /\/comments$/, kind: '500' });
    const input = { ref: ref(issue.number), workflowId: 'wf', key: 'status', body: 'hi' };
    const err = await github.upsertComment(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    await github.upsertComment(input);
    expect(standin.listComments(REPO, issue.number)).toHaveLength(1);
  });

  test('a hanging request becomes a retryable failure after the request time-out', async () => {
    const issue = standin.openIssue(REPO, { title: 'Fix it' });
    standin.failNext({ kind: 'timeout' });
    const impatient = createGithubActivities({ octokits: createOctokitFactory({ config: { github: githubConfig(standin.url) }, requestTimeoutMs: 500 }) });
    const started = Date.now();
    const err = (await impatient.getIssue(ref(issue.number)).catch((e: unknown) => e)) as ApplicationFailure;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err.nonRetryable).toBe(false);
    expect(err.type).toBe('GithubUnavailable');
  });
});

function githubConfig(apiUrl: string) {
  return { apiUrl, token: 'standin-token', cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] };
}
