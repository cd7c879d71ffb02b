import { ApplicationFailure } from '@temporalio/common';
import { createGithubActivities, createOctokitFactory, rateLimitDelayMs, toGithubFailure } from '../../../src/activities/github';
import { FAILURE_TYPES } from '../../../src/activities/types';
import { GithubStandin } from '../../support/github-standin';

const REPO = 'octo/app';
const ref = { owner: 'octo', repo: 'app', issueNumber: 1 };
const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ApplicationFailure);
const ms = (d: unknown) => Number(d);

describe('GitHub failures become the right ApplicationFailures', () => {
  let standin: GithubStandin;
  let apiUrl: string;
  const activities = (token = 'standin-token') =>
    createGithubActivities({ octokits: createOctokitFactory({ config: { github: { apiUrl, token } }, requestTimeoutMs: 10_000 }) });

  beforeEach(async () => {
    standin = new GithubStandin();
    apiUrl = await standin.start();
    standin.createRepo(REPO, { branches: [] });
    standin.openIssue(REPO, { title: 'x' });
  });
  afterEach(async () => {
    await standin.stop();
    standin.assertNoViolations();
  });

  test('a 422 (PR from a branch that was never pushed) fails non-retryably with its type', async () => {
    const err = await caught(activities().ensurePullRequest({ ref, branch: 'issueflow/issue-1', title: 't', body: 'b' }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FAILURE_TYPES.githubInvalid, nonRetryable: true });
    expect(err!.message).toMatch(/open a pull request for issueflow\/issue-1 .*422: Validation Failed/);
    standin.pushBranch(REPO, 'issueflow/issue-1');
    await expect(activities().ensurePullRequest({ ref, branch: 'issueflow/issue-1', title: 't', body: 'b' })).resolves.toMatchObject({ created: true });
  });

  test('a missing issue is GithubNotFound; bad credentials are GithubUnauthorized without the token', async () => {
    expect(await caught(activities().getIssue({ ...ref, issueNumber: 99 }))).toMatchObject({ type: FAILURE_TYPES.githubNotFound, nonRetryable: true });
    const err = await caught(activities('ghp_secretvalue123').setStateLabel({ ref, state: 'queued' }));
    expect(err).toMatchObject({ type: FAILURE_TYPES.githubUnauthorized, nonRetryable: true });
    expect(err!.message).toMatch(/check GITHUB_TOKEN/);
    expect(JSON.stringify({ ...err, message: err!.message, stack: err!.stack })).not.toContain('ghp_secretvalue123');
  });

  test('a primary rate limit waits until x-ratelimit-reset; a secondary one for retry-after', async () => {
    standin.failNext({ kind: 'primary-rate-limit', resetInSeconds: 30 });
    const primary = await caught(activities().getIssue(ref));
    expect(primary).toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false });
    const reset = standin.requests[0].rateLimitReset! * 1000;
    expect(ms(primary!.nextRetryDelay)).toBeGreaterThanOrEqual(reset - Date.now());
    expect(ms(primary!.nextRetryDelay)).toBeLessThanOrEqual(32_000);
    // Any other call with the token waits for the reset too: refused at once, without asking GitHub.
    const next = await caught(activities().setStateLabel({ ref, state: 'queued' }));
    expect(next).toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false });
    expect(ms(next!.nextRetryDelay)).toBeGreaterThan(20_000);
    expect(standin.requests).toHaveLength(1);
  });

  test('a secondary rate limit waits for retry-after', async () => {
    // A POST (a reaction): a read would wait a reset this near in the call and be sent again.
    standin.failNext({ kind: 'secondary-rate-limit', resetInSeconds: 7 });
    const secondary = await caught(activities().reactToComment({ ref, commentId: 1, content: 'eyes' }));
    expect(secondary).toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false, nextRetryDelay: 7000 });
  });

  test('a plain 403 names the permission to grant; 5xx and network errors are retryable', () => {
    const forbidden = toGithubFailure({ status: 403, message: 'Resource not accessible by integration', response: { headers: { 'x-ratelimit-remaining': '4999' }, data: { message: 'Resource not accessible by integration' } } }, { action: 'add a label to octo/app#1', permission: 'Issues: read and write' });
    expect(forbidden).toMatchObject({ type: FAILURE_TYPES.githubForbidden, nonRetryable: true });
    expect(forbidden.message).toMatch(/the "Issues: read and write" permission/);
    expect(toGithubFailure({ status: 502, message: 'Bad Gateway' }, { action: 'x' }).nonRetryable).toBe(false);
    expect(toGithubFailure(new TypeError('fetch failed'), { action: 'x' }).nonRetryable).toBe(false);
  });

  test('rate-limit delays: reset in the past still waits a second; 429 without headers waits a minute', () => {
    const now = 1_700_000_000_000;
    expect(rateLimitDelayMs(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3) }, '', now)).toBe(4000);
    expect(rateLimitDelayMs(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 10) }, '', now)).toBe(1000);
    expect(rateLimitDelayMs(429, {}, '', now)).toBe(60_000);
    expect(rateLimitDelayMs(403, {}, 'Must have admin rights', now)).toBeUndefined();
  });
});
