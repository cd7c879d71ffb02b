import { createGithubActivities, createOctokitFactory } from '../../../src/activities/github';
import { buildWebhookPayload, GithubStandin, validateWebhookPayload } from '../../support/github-standin';
import type { EmittedWebhook } from '../../support/github-standin/merge';

const REPO = 'octo/app';
const repoRef = { owner: 'octo', repo: 'app' };
const branch = 'issueflow/issue-1';
const sha = 'a'.repeat(40);

describe('CI activities against the stand-in: check runs, commit statuses, job logs, re-runs', () => {
  let standin: GithubStandin;
  let github: ReturnType<typeof createGithubActivities>;
  let emitted: EmittedWebhook[] = [];

  beforeEach(async () => {
    standin = new GithubStandin();
    const apiUrl = await standin.start();
    standin.createRepo(REPO);
    emitted = [];
    standin.onWebhooks((w) => emitted.push(...w));
    const github_ = { apiUrl, token: 'standin-token', cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] };
    github = createGithubActivities({ octokits: createOctokitFactory({ config: { github: github_ }, requestTimeoutMs: 10_000 }) });
  });
  afterEach(async () => {
    await standin.stop();
    standin.assertNoViolations();
  });

  test('getChecks lists the latest check run of each name and the statuses of the commit; other commits do not count', async () => {
    expect(await github.getChecks({ ref: repoRef, sha })).toEqual([]);
    standin.setCheck(REPO, { sha, branch, name: 'build', conclusion: null });
    standin.setCheck(REPO, { sha: 'b'.repeat(40), branch, name: 'stale', conclusion: 'failure' });
    standin.setStatus(REPO, { sha, branch, context: 'ci/outside', state: 'success', targetUrl: 'https://ci.example.com/1' });
    const checks = await github.getChecks({ ref: repoRef, sha });
    expect(checks).toEqual([
      expect.objectContaining({ name: 'build', state: 'pending', source: 'check-run', runId: expect.any(Number), jobId: expect.any(Number) }),
      { name: 'ci/outside', state: 'success', source: 'status', url: 'https://ci.example.com/1' },
    ]);
    expect(checks[0].url).toMatch(/\/octo\/app\/actions\/runs\/\d+\/job\/\d+$/);
  });

  test("getCheckFailure reads the check's output and the tail of the Actions job's log (through GitHub's redirect); rerunFailedJobs queues the job again", async () => {
    const log = [...Array.from({ length: 100 }, (_, i) => `line ${i}`), 'Error: expected 5, got -1'].join('\n');
    standin.setCheck(REPO, { sha, branch, name: 'test', conclusion: 'failure', output: { title: '1 test failed', summary: 'add() is wrong' }, log });
    const [check] = await github.getChecks({ ref: repoRef, sha });
    expect(check.state).toBe('failure');
    const failure = await github.getCheckFailure({ ref: repoRef, check });
    expect(failure).toContain('Check `test` failed');
    expect(failure).toContain('1 test failed\nadd() is wrong');
    expect(failure).toContain('Error: expected 5, got -1');
    expect(failure).not.toContain('line 10\n');

    await github.rerunFailedJobs({ ref: repoRef, runId: check.runId! });
    expect(standin.repoOf(REPO).reruns).toEqual([check.runId]);
    expect((await github.getChecks({ ref: repoRef, sha }))[0]).toMatchObject({ name: 'test', state: 'pending' });
    standin.setCheck(REPO, { sha, branch, name: 'test', conclusion: 'success' });
    expect((await github.getChecks({ ref: repoRef, sha }))[0]).toMatchObject({ name: 'test', state: 'success' });
  });

  test('check_run, check_suite and status webhooks are valid per GitHub and name the branch and head', () => {
    standin.setCheck(REPO, { sha, branch, name: 'build', conclusion: 'failure' });
    standin.setStatus(REPO, { sha, branch, context: 'ci/outside', state: 'pending' });
    expect(emitted.map((w) => w.event)).toEqual(['check_run.completed', 'check_suite.completed', 'status']);
    for (const w of emitted) {
      const payload = buildWebhookPayload(standin, w.event, w.input) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const [name, action] = w.event.split('.');
      expect([w.event, validateWebhookPayload(name, action, payload)]).toEqual([w.event, []]);
      if (name === 'check_run') expect(payload.check_run).toMatchObject({ head_sha: sha, check_suite: { head_branch: branch } });
      else if (name === 'check_suite') expect(payload.check_suite).toMatchObject({ head_sha: sha, head_branch: branch, conclusion: 'failure' });
      else expect(payload).toMatchObject({ sha, branches: [{ name: branch }] });
    }
  });
});
