import { ApplicationFailure } from '@temporalio/common';
import { createOctokitFactory } from '../../../src/activities/github';
import { RETRY_IN_CALL_MS } from '../../../src/activities/github/rate-limit-gate';
import { githubMetrics } from '../../../src/activities/github/rate-limit-metrics';
import { FAILURE_TYPES } from '../../../src/activities/types';
import { ApiMetrics } from '../../../src/api/metrics';
import { GithubStandin } from '../../support/github-standin';

jest.setTimeout(20_000);

const REPO = 'octo/app';
const ref = { owner: 'octo', repo: 'app' };

describe('rate-limit gate: one rate-limit answer holds every call with the same token', () => {
  let standin: GithubStandin;
  let apiUrl: string;

  beforeEach(async () => {
    standin = new GithubStandin();
    apiUrl = await standin.start();
    standin.createRepo(REPO);
    standin.openIssue(REPO, { title: 'x' });
  });
  afterEach(async () => {
    standin.assertNoViolations();
    await standin.stop();
  });

  const octokitFor = () =>
    createOctokitFactory({ config: { github: { apiUrl, token: 'standin-token' } } }).forRepo(ref);

  test.each(['secondary-rate-limit', 'primary-rate-limit'] as const)('after a %s answer, the next call (another endpoint) waits until the reset', async (kind) => {
    const octokit = await octokitFor();
    standin.failNext({ kind, resetInSeconds: 1 });
    // A POST: an idempotent request would wait out the reset itself and be sent again (see below).
    await expect(comment(octokit)).rejects.toMatchObject({ status: 403 });
    const limited = standin.requests[0];
    await octokit.rest.issues.get({ ...ref, issue_number: 1 });
    const next = standin.requests[1];
    const until = kind === 'primary-rate-limit' ? limited.rateLimitReset! * 1000 : limited.at + 1000;
    expect(next.at).toBeGreaterThanOrEqual(until);
  });

  test('a reset further away than a short wait fails the call at once, retryable, with nextRetryDelay', async () => {
    const octokit = await octokitFor();
    standin.failNext({ kind: 'secondary-rate-limit', resetInSeconds: 60 });
    await expect(comment(octokit)).rejects.toMatchObject({ status: 403 });
    const error = await octokit.rest.issues.get({ ...ref, issue_number: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false });
    expect((error as ApplicationFailure).nextRetryDelay).toBeGreaterThan(50_000);
    expect(standin.requests).toHaveLength(1);
  });

  test('every answer\'s x-ratelimit-* headers set the gauges of its credentials, named without the token, shown at /metrics', async () => {
    const octokit = await octokitFor();
    standin.store.rateLimits.spend('token standin-token', 1200);
    await octokit.rest.repos.get(ref);
    const text = await new ApiMetrics({ others: [githubMetrics] }).render();
    expect(text).toContain('issueflow_github_rate_limit_remaining{credentials="token",resource="core"} 3799');
    expect(text).toContain('issueflow_github_rate_limit_limit{credentials="token",resource="core"} 5000');
    const reset = Number(/issueflow_github_rate_limit_reset_seconds\{credentials="token",resource="core"\} (\d+)/.exec(text)?.[1]);
    expect(reset * 1000).toBeGreaterThan(Date.now());
    // A rate-limited answer carries them too: remaining 0 until the reset.
    standin.failNext({ kind: 'primary-rate-limit', resetInSeconds: 1 });
    await expect(comment(octokit)).rejects.toMatchObject({ status: 403 });
    expect(await githubMetrics.metrics()).toContain('issueflow_github_rate_limit_remaining{credentials="token",resource="core"} 0');
    expect(text).not.toContain('standin-token');
  });

  test('other errors do not hold anything', async () => {
    const octokit = await octokitFor();
    standin.failNext({ kind: '500' });
    await expect(comment(octokit)).rejects.toMatchObject({ status: 500 });
    const before = Date.now();
    await octokit.rest.repos.get(ref);
    expect(Date.now() - before).toBeLessThan(900);
  });

  test(`an idempotent request that met a 5xx is sent again in the call, after ${RETRY_IN_CALL_MS.join(' and ')} ms; a POST never`, async () => {
    const octokit = await octokitFor();
    standin.failNext({ kind: '500', method: 'GET', count: 2 });
    const { data } = await octokit.rest.issues.get({ ...ref, issue_number: 1 });
    expect(data.number).toBe(1);
    const gets = standin.requests.map((r) => r.at);
    expect(gets).toHaveLength(3);
    expect(gets[1] - gets[0]).toBeGreaterThanOrEqual(RETRY_IN_CALL_MS[0] - 5);
    expect(gets[2] - gets[1]).toBeGreaterThanOrEqual(RETRY_IN_CALL_MS[1] - 5);

    standin.failNext({ kind: '500', method: 'POST' });
    await expect(comment(octokit)).rejects.toMatchObject({ status: 500 });
    expect(standin.requests).toHaveLength(4);
    expect(standin.listComments(REPO, 1)).toHaveLength(0);
  });

  test('an idempotent request fails once its pauses ran out (the activity retries then)', async () => {
    const octokit = await octokitFor();
    standin.failNext({ kind: '500', method: 'PATCH', count: RETRY_IN_CALL_MS.length + 1 });
    await expect(octokit.rest.issues.update({ ...ref, issue_number: 1, title: 'y' })).rejects.toMatchObject({ status: 500 });
    expect(standin.requests).toHaveLength(RETRY_IN_CALL_MS.length + 1);
  });

  test('an idempotent request that met a rate limit waits out its reset in the call and is sent again', async () => {
    const octokit = await octokitFor();
    standin.failNext({ kind: 'secondary-rate-limit', resetInSeconds: 1 });
    const { data } = await octokit.rest.issues.get({ ...ref, issue_number: 1 });
    expect(data.number).toBe(1);
    const [limited, again] = standin.requests;
    expect(again.at).toBeGreaterThanOrEqual(limited.at + 1000);
  });
});

const comment = (octokit: Awaited<ReturnType<ReturnType<typeof createOctokitFactory>['forRepo']>>) => octokit.rest.issues.createComment({ ...ref, issue_number: 1, body: 'x' });
