import { GithubStandin } from './index';

const REPO = 'octo/app';

describe('the GitHub stand-in checks traffic against GitHub\'s OpenAPI description', () => {
  let standin: GithubStandin;
  const call = (method: string, path: string, body?: unknown, token = 'standin-token') =>
    fetch(`${standin.url}${path}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeEach(async () => {
    standin = new GithubStandin();
    await standin.start();
    standin.createRepo(REPO);
  });
  afterEach(() => standin.stop());

  test('a POST comment without `body` is flagged and answered 422, like GitHub', async () => {
    const issue = standin.openIssue(REPO, { title: 'x' });
    const res = await call('POST', `/repos/octo/app/issues/${issue.number}/comments`, { text: 'hello' });
    expect(res.status).toBe(422);
    expect(standin.violations.join('\n')).toMatch(/\(issues\/create-comment\) request: body must have required property 'body'/);
    expect(() => standin.assertNoViolations()).toThrow(/1 OpenAPI violation/);
    expect(standin.listComments(REPO, issue.number)).toHaveLength(0);
  });

  test('bad path parameters, unknown query parameters and unknown routes are flagged', async () => {
    await call('GET', '/repos/octo/app/issues/not-a-number');
    await call('GET', '/repos/octo/app/issues/1/comments?colour=blue');
    await call('GET', '/repos/octo/app/no-such-thing');
    expect(standin.violations).toEqual([
      expect.stringMatching(/\(issues\/get\) request: path\/issue_number must be integer/),
      expect.stringMatching(/\(issues\/list-comments\) request: query must NOT have additional properties.*colour/),
      expect.stringMatching(/no such operation/),
    ]);
  });

  test('a response that breaks the spec is flagged too', async () => {
    const issue = standin.openIssue(REPO, { title: 'x', labels: ['bug'] });
    // A label without a colour is not a GitHub label.
    (standin.repoOf(REPO).labels.get('bug') as { color: unknown }).color = undefined;
    const res = await call('GET', `/repos/octo/app/issues/${issue.number}/labels`);
    expect(res.status).toBe(200);
    expect(standin.violations.join('\n')).toMatch(/\(issues\/list-labels-on-issue\) response: response 200\/0 must have required property 'color'/);
  });

  test('valid traffic leaves no violations and is logged with timestamps', async () => {
    const issue = standin.openIssue(REPO, { title: 'x' });
    const before = Date.now();
    const res = await call('POST', `/repos/octo/app/issues/${issue.number}/comments`, { body: 'hello' });
    expect(res.status).toBe(201);
    expect(standin.requests.at(-1)).toMatchObject({ method: 'POST', operationId: 'issues/create-comment', status: 201, auth: 'token' });
    expect(standin.requests.at(-1)!.at).toBeGreaterThanOrEqual(before);
    standin.setPermission(REPO, 'alice', 'write');
    expect(await (await call('GET', '/repos/octo/app/collaborators/alice/permission')).json()).toMatchObject({ permission: 'write', user: { login: 'alice' } });
    expect(await (await call('GET', '/repos/octo/app/collaborators/mallory/permission')).json()).toMatchObject({ permission: 'read' });
    expect(await (await call('GET', '/repos/octo/app')).json()).toMatchObject({ full_name: REPO, default_branch: 'main' });
    expect(() => standin.assertNoViolations()).not.toThrow();
  });

  test('unknown credentials get 401 Bad credentials', async () => {
    const res = await call('GET', '/repos/octo/app', undefined, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Bad credentials' });
  });

  test('users have one id each: GET /user and GET /users/{login} (public, also anonymous) and comments agree', async () => {
    const me = (await (await call('GET', '/user')).json()) as { login: string; id: number };
    expect(me.login).toBe('issueflow-bot');
    const anonymous = await fetch(`${standin.url}/users/issueflow-bot`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toMatchObject({ login: 'issueflow-bot', id: me.id, type: 'User' });
    expect(standin.requests.at(-1)).toMatchObject({ operationId: 'users/get-by-username', auth: 'anonymous' });
    const issue = standin.openIssue(REPO, { title: 'x' });
    await call('POST', `/repos/octo/app/issues/${issue.number}/comments`, { body: 'mine' });
    standin.addComment(REPO, issue.number, { author: 'mallory', body: 'theirs' });
    const comments = (await (await call('GET', `/repos/octo/app/issues/${issue.number}/comments`)).json()) as Array<{ user: { id: number } }>;
    expect(comments[0].user.id).toBe(me.id);
    expect(comments[1].user.id).not.toBe(me.id);
    expect((await fetch(`${standin.url}/user`)).status).toBe(401);
    expect(() => standin.assertNoViolations()).not.toThrow();
  });

  test('failNext answers matching requests with the fault, then serves normally', async () => {
    standin.failNext({ method: 'GET', path: /^\/repos\/octo\/app$/, kind: 'primary-rate-limit', resetInSeconds: 30, count: 2 });
    const first = await call('GET', '/repos/octo/app');
    expect(first.status).toBe(403);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
    expect((await call('GET', '/repos/octo/app')).status).toBe(403);
    expect((await call('GET', '/repos/octo/app')).status).toBe(200);
    standin.failNext({ kind: 'secondary-rate-limit', resetInSeconds: 7 });
    expect((await call('GET', '/repos/octo/app')).headers.get('retry-after')).toBe('7');
    expect(standin.requests.map((r) => r.fault ?? null)).toEqual(['primary-rate-limit', 'primary-rate-limit', null, 'secondary-rate-limit']);
  });

  test('PUT .../merge merges like GitHub: the PR merged, the issues its body fixes closed as completed, the head branch deleted, the webhooks emitted', async () => {
    const merging = new GithubStandin();
    await merging.start();
    const repo = merging.createRepo('octo/merging', { branches: ['issueflow/issue-1'], deleteBranchOnMerge: true });
    const fixed = merging.openIssue('octo/merging', { title: 'fixed' });
    const resolved = merging.openIssue('octo/merging', { title: 'resolved' });
    const other = merging.openIssue('octo/merging', { title: 'only mentioned' });
    const pull = merging.openPullRequest('octo/merging', { head: 'issueflow/issue-1', title: 'Fix', body: `Fixes #${fixed.number}\nresolves #${resolved.number}, see #${other.number}` });
    const emitted: unknown[] = [];
    merging.onWebhooks((w) => emitted.push(...w));
    const put = (n: number) => fetch(`${merging.url}/repos/octo/merging/pulls/${n}/merge`, { method: 'PUT', headers: { authorization: 'token standin-token', 'content-type': 'application/json' }, body: JSON.stringify({ merge_method: 'squash' }) });
    const res = await put(pull.number);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    expect(merging.pullRequests('octo/merging')[0]).toMatchObject({ state: 'closed', merged: true });
    expect([fixed, resolved, other].map((i) => [i.state, i.stateReason ?? null])).toEqual([['closed', 'completed'], ['closed', 'completed'], ['open', null]]);
    expect(repo.branches?.has('issueflow/issue-1')).toBe(false);
    expect(emitted).toEqual([
      { event: 'pull_request.closed', input: { repo: 'octo/merging', number: pull.number, sender: 'issueflow-bot' } },
      { event: 'issues.closed', input: { repo: 'octo/merging', number: fixed.number, sender: 'issueflow-bot' } },
      { event: 'issues.closed', input: { repo: 'octo/merging', number: resolved.number, sender: 'issueflow-bot' } },
    ]);
    const got = await (await fetch(`${merging.url}/repos/octo/merging/pulls/${pull.number}`, { headers: { authorization: 'token standin-token' } })).json();
    expect(got).toMatchObject({ merged: true, state: 'closed', head: { ref: 'issueflow/issue-1' } });
    expect((await put(pull.number)).status).toBe(405);
    await merging.stop();
    merging.assertNoViolations();
  });

  test("a fork's pull request has the fork as its head repo, and `head=owner:branch` tells them apart", async () => {
    standin.createRepo('mallory/app', { forkOf: REPO });
    const own = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'ours' });
    const fork = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', headRepo: 'mallory/app', title: 'theirs', author: 'mallory' });
    const list = async (head: string) => ((await (await call('GET', `/repos/octo/app/pulls?state=all&head=${encodeURIComponent(head)}`)).json()) as Array<{ number: number }>).map((p) => p.number);
    expect(await list('octo:issueflow/issue-1')).toEqual([own.number]);
    expect(await list('mallory:issueflow/issue-1')).toEqual([fork.number]);
    const got = (await (await call('GET', `/repos/octo/app/pulls/${fork.number}`)).json()) as { head: { repo: { id: number; fork: boolean } }; base: { repo: { id: number } } };
    expect(got.head.repo.fork).toBe(true);
    expect(got.head.repo.id).not.toBe(got.base.repo.id);
    expect(() => standin.assertNoViolations()).not.toThrow();
  });

  test('a random fault rate fails about that share of requests', async () => {
    const flaky = new GithubStandin({ faultRate: 0.5 });
    await flaky.start();
    flaky.createRepo(REPO);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await fetch(`${flaky.url}/repos/octo/app`, { headers: { authorization: 'token standin-token' } })).status);
    await flaky.stop();
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(50);
    expect(statuses.filter((s) => s !== 500 && s !== 200)).toEqual([]);
  });
});
