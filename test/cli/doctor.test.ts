import { generateKeyPairSync } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runDoctorCommand } from '../../src/cli/doctor';
import { loadConfig } from '../../src/config';
import { APP_PERMISSIONS, WEBHOOK_EVENTS } from '../../src/domain/github-access';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { GithubStandin } from '../support/github-standin';
import { createLocalEnv } from '../support/temporal';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const ALL_PERMISSIONS = Object.fromEntries(APP_PERMISSIONS.map((p) => [p.key, p.level]));

let temporal: TestWorkflowEnvironment;
let db: TestDatabase;
let unmigrated: TestDatabase;
let standin: GithubStandin; // a token's GitHub
let appStandin: GithubStandin; // a GitHub App's
let good: Record<string, string>;
beforeAll(async () => {
  [temporal, db, unmigrated] = await Promise.all([createLocalEnv(), createTestDatabase(), createTestDatabase({ migrate: false })]);
  standin = new GithubStandin({ tokens: { 'standin-token': 'issueflow-bot', 'gist-token': 'alice', 'spent-token': 'issueflow-bot' }, tokenScopes: { 'standin-token': 'repo', 'gist-token': 'gist', 'spent-token': 'repo' } });
  appStandin = new GithubStandin({ app: { id: 4242, publicKey: keys.publicKey, permissions: ALL_PERMISSIONS, events: [...WEBHOOK_EVENTS] } });
  await Promise.all([standin.start(), appStandin.start()]);
  standin.createRepo('octo/app');
  standin.addHook('octo/app', { url: 'https://issueflow.example.com/webhooks/github', events: [...WEBHOOK_EVENTS], deliveries: [200, 500] });
  standin.createRepo('octo/few-events');
  standin.addHook('octo/few-events', { url: 'https://issueflow.example.com/webhooks/github', events: ['issues', 'issue_comment'] });
  standin.createRepo('octo/bad-secret');
  standin.addHook('octo/bad-secret', { url: 'https://smee.io/chan', events: ['*'], deliveries: [401] });
  standin.createRepo('octo/no-hook');
  standin.addHook('octo/no-hook', { url: 'https://ci.example.com/hook', events: ['push'] });
  standin.createRepo('octo/read-only');
  standin.setPermission('octo/read-only', 'issueflow-bot', 'read');
  appStandin.createRepo('octo/app');
  appStandin.createRepo('octo/not-installed');
  appStandin.installApp('octo', ['octo/app']);
  appStandin.store.appHook = { id: 1, url: 'https://issueflow.example.com/webhooks/github', events: [...WEBHOOK_EVENTS], active: true, deliveries: [] };
  appStandin.recordDelivery(appStandin.store.appHook, 202);
  good = {
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: db.url,
    GITHUB_API_URL: standin.url,
    GITHUB_TOKEN: 'standin-token',
    GITHUB_WEBHOOK_SECRET: 'whsec',
    AGENT: 'custom',
    AGENT_COMMAND: 'node {prompt_file}',
    ISSUEFLOW_SANDBOX: 'off',
    PATH: process.env.PATH ?? '',
  };
}, 120_000);
afterAll(async () => {
  await Promise.all([standin?.stop(), appStandin?.stop(), temporal?.teardown(), db?.drop(), unmigrated?.drop()]);
});
afterEach(() => {
  standin.assertNoViolations();
  appStandin.assertNoViolations();
});

async function doctor(repos: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const full = Object.fromEntries(Object.entries({ ...good, ...env }).filter((e): e is [string, string] => e[1] !== undefined));
  const code = await runDoctorCommand(repos, loadConfig(full), full, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
}

/** Exactly one check fails, with its fix-it line right below it. */
async function expectOneProblem(repos: string[], env: Record<string, string | undefined>, failure: RegExp, fix: RegExp) {
  const r = await doctor(repos, env);
  expect(r.code).toBe(1);
  const lines = r.out.split('\n');
  const failed = lines.filter((l) => l.startsWith('FAIL'));
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatch(failure);
  expect(lines[lines.indexOf(failed[0]) + 1]).toMatch(fix);
  expect(r.out).toContain('1 problem(s): issueflow is not ready.');
}

describe('issueflow doctor', () => {
  it('exits 0 when everything is there (token, repository webhook)', async () => {
    const r = await doctor(['octo/app'], {});
    expect(r.out).not.toContain('FAIL');
    expect(r.out).toMatch(/^ok {4}Temporal: 127\.0\.0\.1:\d+/m);
    expect(r.out).toContain("ok    Temporal namespace: default, with issueflow's search attributes");
    expect(r.out).toContain('ok    PostgreSQL: reachable, migrations applied');
    expect(r.out).toContain('ok    GitHub credentials: token of issueflow-bot (scopes: repo)');
    expect(r.out).toMatch(/ok {4}octo\/app: webhook: to issueflow\.example\.com; last delivery 200 at /);
    // The stand-in counts the doctor's own requests before this one (GET /rate_limit itself is free).
    expect(r.out).toMatch(/^ok {4}GitHub rate limit: 499\d\/5000 requests left, resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(r.out).toMatch(/ok {4}agent custom: \/.*\/node/);
    expect(r.code).toBe(0);
  });

  it('exits 0 with a GitHub App: its permissions, events, installation and its own webhook', async () => {
    const r = await doctor(['octo/app'], { GITHUB_TOKEN: undefined, GITHUB_API_URL: appStandin.url, GITHUB_APP_ID: '4242', GITHUB_APP_PRIVATE_KEY: PEM, ALLOWED_OWNERS: 'octo' });
    expect(r.out).toContain('ok    GitHub credentials: GitHub App issueflow: every permission and event issueflow needs');
    expect(r.out).toMatch(/ok {4}octo\/app: webhook: App webhook to issueflow\.example\.com; last delivery 202/);
    expect(r.out).toMatch(/^ok {4}octo\/app: rate limit: 4\d{3}\/5000 requests left, resets at /m);
    expect(r.out).not.toMatch(/^ok {4}GitHub rate limit/m);
    expect(r.code).toBe(0);
  });

  describe('one thing missing at a time: its fix-it line and exit 1', () => {
    const app = { GITHUB_TOKEN: undefined, GITHUB_APP_ID: '4242', GITHUB_APP_PRIVATE_KEY: PEM, ALLOWED_OWNERS: 'octo' };
    it('Temporal unreachable (the namespace check is skipped, not counted)', () => expectOneProblem(['octo/app'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /FAIL {2}Temporal: 127\.0\.0\.1:1 does not answer/, /fix: start the Temporal server, or fix TEMPORAL_ADDRESS/), 60_000);
    it('namespace', () => expectOneProblem(['octo/app'], { TEMPORAL_NAMESPACE: 'nope' }, /no namespace nope/, /temporal operator namespace create --namespace nope/));
    it('migrations', () => expectOneProblem(['octo/app'], { DATABASE_URL: unmigrated.url }, /PostgreSQL: migrations not applied: 001/, /fix: issueflow migrate$/));
    it('webhook secret', () => expectOneProblem(['octo/app'], { GITHUB_WEBHOOK_SECRET: undefined }, /webhook secret: GITHUB_WEBHOOK_SECRET is not set/, /issueflow setup/));
    it('credentials', () => expectOneProblem(['octo/app'], { GITHUB_TOKEN: undefined }, /GitHub credentials: none are set/, /issueflow setup/));
    it("a classic token's scope", () => expectOneProblem(['octo/app'], { GITHUB_TOKEN: 'gist-token' }, /token of alice lacks the scope repo/, /tick "repo"/));
    it("an App's permission", async () => {
      const saved = appStandin['options'].app!.permissions;
      appStandin['options'].app!.permissions = { ...ALL_PERMISSIONS, actions: 'read' };
      try {
        await expectOneProblem(['octo/app'], { ...app, GITHUB_API_URL: appStandin.url }, /the App issueflow lacks Actions: read and write/, /Permissions & events/);
      } finally {
        appStandin['options'].app!.permissions = saved;
      }
    });
    it('the App not installed on the repository', () => expectOneProblem(['octo/not-installed'], { ...app, GITHUB_API_URL: appStandin.url }, /octo\/not-installed: reach: .*not installed/, /install the App on octo\/not-installed/));
    it('a repository out of reach (its webhook check is skipped)', () => expectOneProblem(['octo/gone'], {}, /octo\/gone: reach: GitHub answered 404/, /give the token or App access/));
    it('no webhook to issueflow', () => expectOneProblem(['octo/no-hook'], {}, /no webhook of octo\/no-hook goes to \/webhooks\/github/, /Add webhook: .*events issues, issue_comment, pull_request/));
    it('webhook events', () => expectOneProblem(['octo/few-events'], {}, /does not send pull_request, pull_request_review, pull_request_review_comment, check_suite, check_run, status/, /tick those events/));
    it('the last delivery refused: secrets differ', () => expectOneProblem(['octo/bad-secret'], { WEBHOOK_PROXY_URL: 'https://smee.io/chan' }, /last delivery \(issues, .*\) got 401/, /GITHUB_WEBHOOK_SECRET differs/));
    it('the agent CLI', () => expectOneProblem(['octo/app'], { AGENT: 'custom', AGENT_COMMAND: 'no-such-agent {prompt_file}' }, /agent custom: `no-such-agent` is not on PATH/, /fix AGENT_COMMAND/));
    it("the agent's credentials", () => expectOneProblem(['octo/app'], { AGENT: 'claude-code', AGENT_COMMAND: undefined, ANTHROPIC_API_KEY: undefined }, /agent claude-code: none of ANTHROPIC_API_KEY/, /set ANTHROPIC_API_KEY/));
    it('the rate limit spent', () => {
      standin.store.rateLimits.spend('token spent-token', 5000);
      return expectOneProblem(['octo/app'], { GITHUB_TOKEN: 'spent-token' }, /GitHub rate limit: the token has spent its GitHub rate limit: 0\/5000 requests left, resets at /, /fix: wait for the reset; .*GitHub App/);
    });
    it('no repository named', () => expectOneProblem([], {}, /repositories: no repository to check/, /issueflow doctor OWNER\/REPO/));
  });
});
