import { generateKeyPairSync } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createGithubActivities, createOctokitFactory, type OctokitFactory } from '../../../src/activities/github';
import { FAILURE_TYPES } from '../../../src/activities/types';
import { GithubStandin } from '../../support/github-standin';

const APP_ID = 4242;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
// GitHub hands out PKCS#1 keys; people paste them into one-line variables with literal "\n".
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('GitHub App authentication against the stand-in', () => {
  let standin: GithubStandin;
  let github: ReturnType<typeof createGithubActivities>;
  let octokits: OctokitFactory;

  beforeEach(async () => {
    standin = new GithubStandin({ app: { id: APP_ID, publicKey, slug: 'issueflow' } });
    const apiUrl = await standin.start();
    standin.createRepo('octo/app');
    standin.createRepo('octo/other');
    standin.installApp('octo', ['octo/app']);
    const config = { github: { apiUrl, appId: String(APP_ID), appPrivateKey: pem.replace(/\n/g, '\\n'), cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] } };
    octokits = createOctokitFactory({ config, requestTimeoutMs: 10_000 });
    github = createGithubActivities({ octokits });
  });
  afterEach(async () => {
    await standin.stop();
    standin.assertNoViolations();
  });

  test('learns its bot user at start, looks up the installation with a JWT, gets an installation token and uses it (once, cached)', async () => {
    const issue = standin.openIssue('octo/app', { title: 'x' });
    const ref = { owner: 'octo', repo: 'app', issueNumber: issue.number };
    // As the service does at start: GET /app for the slug, then the bot user `<slug>[bot]` as an installation.
    expect(await octokits.identity()).toEqual({ id: standin.payloads.user('issueflow[bot]').id, login: 'issueflow[bot]' });
    await github.upsertComment({ ref, workflowId: 'wf', key: 'status', body: 'hello' });
    await github.setStateLabel({ ref, state: 'queued' });
    const log = standin.requests.map((r) => `${r.operationId} ${r.auth} ${r.status}`);
    expect(log.slice(0, 6)).toEqual([
      'apps/get-authenticated app 200',
      'apps/list-installations app 200',
      'apps/create-installation-access-token app 201',
      'users/get-by-username installation 200',
      'apps/get-repo-installation app 200',
      'issues/list-comments installation 200',
    ]);
    expect(log.filter((l) => l.startsWith('apps/'))).toHaveLength(4);
    expect(standin.requests.slice(5).every((r) => r.auth === 'installation')).toBe(true);
    expect(standin.listComments('octo/app', issue.number)[0].author).toBe('issueflow[bot]');
  });

  test('an App installed nowhere yet learns its bot user anonymously (a public user lookup)', async () => {
    standin.store.installations.clear();
    expect(await octokits.identity()).toMatchObject({ login: 'issueflow[bot]' });
    expect(standin.requests.map((r) => `${r.operationId} ${r.auth}`)).toEqual(['apps/get-authenticated app', 'apps/list-installations app', 'users/get-by-username anonymous']);
  });

  test('a repository without the App installed fails non-retryably, saying to install it', async () => {
    standin.openIssue('octo/other', { title: 'x' });
    const err = (await github.getIssue({ owner: 'octo', repo: 'other', issueNumber: 1 }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FAILURE_TYPES.githubNotFound, nonRetryable: true });
    expect(err.message).toMatch(/not installed on octo\/other: install it/);
    expect(err.message).not.toContain('PRIVATE KEY');
  });

  test('a wrong private key is a non-retryable GithubUnauthorized that names the variables', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const config = { github: { apiUrl: standin.url, appId: String(APP_ID), appPrivateKey: other, cloneUrlTemplate: '', writesPerSecond: 1, allowedRepos: [] } };
    const wrong = createGithubActivities({ octokits: createOctokitFactory({ config, requestTimeoutMs: 10_000 }) });
    const err = (await wrong.getIssue({ owner: 'octo', repo: 'app', issueNumber: 1 }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toMatchObject({ type: FAILURE_TYPES.githubUnauthorized, nonRetryable: true });
    expect(err.message).toMatch(/GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/);
  });
});
