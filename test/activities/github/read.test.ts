import { createGithubActivities, createOctokitFactory } from '../../../src/activities/github';
import { DEFAULT_REPO_CONFIG } from '../../../src/domain/repo-config';
import { GithubStandin } from '../../support/github-standin';

const REPO = 'octo/app';
const repoRef = { owner: 'octo', repo: 'app' };

describe('GitHub read activities against the stand-in', () => {
  let standin: GithubStandin;
  let github: ReturnType<typeof createGithubActivities>;

  beforeEach(async () => {
    standin = new GithubStandin();
    const apiUrl = await standin.start();
    standin.createRepo(REPO, { files: { 'src/app.ts': 'export {};\n', 'README.md': '# app\n' } });
    const github_ = { apiUrl, token: 'standin-token', cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] };
    github = createGithubActivities({ octokits: createOctokitFactory({ config: { github: github_ }, requestTimeoutMs: 10_000 }) });
  });
  afterEach(async () => {
    await standin.stop();
    standin.assertNoViolations();
  });

  test('getIssue returns title, body, labels, author, state and URL', async () => {
    const issue = standin.openIssue(REPO, { author: 'alice', title: 'Crash on start', body: 'Stack trace…', labels: ['agent', 'bug'] });
    standin.issue(REPO, issue.number).state = 'closed';
    const snapshot = await github.getIssue({ ...repoRef, issueNumber: issue.number });
    expect(snapshot).toEqual({ title: 'Crash on start', body: 'Stack trace…', labels: ['agent', 'bug'], author: 'alice', authorTrusted: false, state: 'closed', htmlUrl: `${standin.url}/octo/app/issues/${issue.number}` });
  });

  test("getIssue says whether the author has write access, from GitHub's author_association", async () => {
    standin.setPermission(REPO, 'carol', 'write');
    const issue = standin.openIssue(REPO, { author: 'carol', title: 'Tidy up', body: 'Please.', labels: [] });
    expect((await github.getIssue({ ...repoRef, issueNumber: issue.number })).authorTrusted).toBe(true);
  });

  test('getRepoConfig: absent file means defaults, not found', async () => {
    expect(await github.getRepoConfig(repoRef)).toEqual({ config: DEFAULT_REPO_CONFIG, problems: [], found: false });
  });

  test('getRepoConfig reads and validates .github/issueflow.yml', async () => {
    standin.putFile(REPO, '.github/issueflow.yml', 'testCommand: pnpm test\napproval: always\ntimeouts:\n  testMinutes: 5\n');
    const result = await github.getRepoConfig(repoRef);
    expect(result.found).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.config).toMatchObject({ testCommand: 'pnpm test', approval: 'always', timeouts: { testMinutes: 5, agentMinutes: 30 } });
  });

  test('getRepoConfig reports invalid keys and YAML syntax errors as problems, using the defaults', async () => {
    standin.putFile(REPO, '.github/issueflow.yml', 'approval: sometimes\nmaxFixAttempts: 99\n');
    const invalid = await github.getRepoConfig(repoRef);
    expect(invalid.config).toEqual(DEFAULT_REPO_CONFIG);
    expect(invalid.problems.join('\n')).toMatch(/`approval`[\s\S]*`maxFixAttempts`/);
    standin.putFile(REPO, '.github/issueflow.yml', 'testCommand: [unclosed\n');
    const broken = await github.getRepoConfig(repoRef);
    expect(broken).toMatchObject({ config: DEFAULT_REPO_CONFIG, found: true });
    expect(broken.problems[0]).toMatch(/not valid YAML/);
  });

  test('getPullRequest says whether a PR is open, closed or merged', async () => {
    const pull = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix' });
    expect(await github.getPullRequest({ ref: repoRef, number: pull.number })).toEqual({ number: pull.number, url: `${standin.url}/octo/app/pull/${pull.number}`, state: 'open', merged: false, mergeableState: 'clean' });
    standin.mergePullRequest(REPO, pull.number, 'octo');
    expect(await github.getPullRequest({ ref: repoRef, number: pull.number })).toMatchObject({ state: 'closed', merged: true });
  });

  test("getPullRequest gives GitHub's mergeable_state, computed lazily: unknown on the first read after the base or head moved", async () => {
    let now = { state: 'clean' as 'clean' | 'dirty' | 'behind', commits: 'a...b' };
    const lazy = new GithubStandin({ mergeability: () => now });
    try {
      const apiUrl = await lazy.start();
      lazy.createRepo(REPO);
      const config = { github: { apiUrl, token: 'standin-token', cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] } };
      const read = createGithubActivities({ octokits: createOctokitFactory({ config, requestTimeoutMs: 10_000 }) });
      const pull = lazy.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix' });
      const state = async () => (await read.getPullRequest({ ref: repoRef, number: pull.number })).mergeableState;
      expect([await state(), await state()]).toEqual(['unknown', 'clean']);
      now = { state: 'dirty', commits: 'c...b' };
      expect([await state(), await state()]).toEqual(['unknown', 'dirty']);
      now = { state: 'behind', commits: 'd...b' };
      expect([await state(), await state()]).toEqual(['unknown', 'behind']);
      lazy.assertNoViolations();
    } finally {
      await lazy.stop();
    }
  });

  test("findPullRequest finds the newest PR of a branch in the repository itself, not a fork's of the same name", async () => {
    expect(await github.findPullRequest({ ref: repoRef, branch: 'issueflow/issue-1' })).toBeNull();
    const first = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix' });
    standin.mergePullRequest(REPO, first.number, 'octo');
    const second = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix again' });
    standin.closePullRequest(REPO, second.number);
    standin.createRepo('mallory/app', { forkOf: REPO });
    standin.openPullRequest(REPO, { head: 'issueflow/issue-1', headRepo: 'mallory/app', title: 'Not ours', author: 'mallory' });
    expect(await github.findPullRequest({ ref: repoRef, branch: 'issueflow/issue-1' })).toEqual({ number: second.number, url: expect.stringContaining(`/pull/${second.number}`), state: 'closed', merged: false });
  });

  test('findMissingFiles names only the paths that do not exist', async () => {
    expect(await github.findMissingFiles(repoRef, ['src/app.ts', './README.md', 'src/gone.ts', 'src/gone.ts'])).toEqual(['src/gone.ts']);
  });
});
