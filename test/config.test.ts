import { ConfigError, loadConfig, requireRepoScope, secretValues, servesEveryRepo } from '../src/config';
import { hostQueues } from '../src/domain/host-queues';
import { sharedQueues } from '../src/domain/task-queues';

describe('configuration', () => {
  test('an empty environment gives the embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./.issueflow');
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'issueflow', uiPort: 8233 });
    // The worker polls, and the workflow sends to, the queues named beside TEMPORAL_TASK_QUEUE.
    expect(sharedQueues(c.temporal.taskQueue)).toEqual({ githubWrites: 'issueflow-github-writes', agents: 'issueflow-agents' });
    expect(hostQueues(c.temporal.taskQueue, 'h1')).toEqual({ workspace: 'issueflow-host-h1', agents: 'issueflow-host-h1-agents' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.webhooks.enabled).toBe(false);
    expect(c.github.apiUrl).toBe('https://api.github.com');
    expect(c.github.cloneUrlTemplate).toBe('https://github.com/{owner}/{repo}.git');
    expect(c.triggerLabel).toBe('agent');
    expect(c.agent.preset).toBe('claude-code');
    expect(c.github.writeLimits).toEqual({ perMinute: 80, perHour: 500 });
    expect(c.github.writesPerSecondIgnored).toBeUndefined();
    expect(c.budget).toBeUndefined();
  });

  test('the write budget is set per minute and per hour; the old GITHUB_WRITES_PER_SECOND is accepted and flagged', () => {
    const c = loadConfig({ GITHUB_WRITES_PER_MINUTE: '30', GITHUB_WRITES_PER_HOUR: '200', GITHUB_WRITES_PER_SECOND: '50' });
    expect(c.github.writeLimits).toEqual({ perMinute: 30, perHour: 200 });
    expect(c.github.writesPerSecondIgnored).toBe(true);
    expect(() => loadConfig({ GITHUB_WRITES_PER_MINUTE: '0' })).toThrow(/GITHUB_WRITES_PER_MINUTE must be a positive whole number/);
  });

  test('BUDGET_USD and BUDGET_AGENT_MINUTES give every issue a budget (a repo config may set its own)', () => {
    expect(loadConfig({ BUDGET_USD: '5', BUDGET_AGENT_MINUTES: '' }).budget).toEqual({ usd: 5, agentMinutes: undefined });
    expect(loadConfig({ BUDGET_AGENT_MINUTES: '120' }).budget).toEqual({ usd: undefined, agentMinutes: 120 });
  });

  test.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a port number from 1 to 65535 \(got "abc"\)\.$/],
    [{ PORT: '70000' }, /PORT must be a port number/],
    [{ TEMPORAL_UI_PORT: '-1' }, /TEMPORAL_UI_PORT/],
    [{ ISSUEFLOW_WEBHOOKS: 'on' }, /GITHUB_WEBHOOK_SECRET is required when webhooks are enabled/],
    [{ GITHUB_API_URL: 'not a url' }, /GITHUB_API_URL must be a URL/],
    [{ GITHUB_APP_ID: '1' }, /GITHUB_APP_PRIVATE_KEY is required/],
    [{ AGENT: 'custom' }, /AGENT_COMMAND is required when AGENT=custom/],
    [{ AGENT_CONCURRENCY: '0' }, /AGENT_CONCURRENCY must be a positive whole number/],
    [{ ALLOWED_REPOS: 'octo' }, /ALLOWED_REPOS must be comma-separated owner\/repo names, or \*/],
    [{ ALLOWED_OWNERS: 'octo/app' }, /ALLOWED_OWNERS must be comma-separated user or organisation names/],
    [{ ISSUEFLOW_BUILD_ID: '1.2 beta' }, /ISSUEFLOW_BUILD_ID must be at most 255 characters without spaces/],
    [{ ISSUEFLOW_DEPLOYMENT_NAME: 'acme.issueflow' }, /ISSUEFLOW_DEPLOYMENT_NAME must be letters, digits, - and _ \(no dots\)/],
    [{ ISSUEFLOW_VERSION_ROLLOUT: 'ramp' }, /ISSUEFLOW_VERSION_ROLLOUT/],
    [{ BUDGET_USD: '0' }, /BUDGET_USD must be a positive number/],
    [{ REWIND_STUCK: 'yes' }, /REWIND_STUCK/],
  ])('%j stops the start with one line naming the variable', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('Worker Versioning is on only with a build id; the deployment is named after the task queue unless named', () => {
    expect(loadConfig({}).temporal.versioning).toBeUndefined();
    expect(loadConfig({ ISSUEFLOW_DEPLOYMENT_NAME: 'acme' }).temporal.versioning).toBeUndefined();
    expect(loadConfig({ ISSUEFLOW_BUILD_ID: '1.4.0+abc123', TEMPORAL_TASK_QUEUE: 'acme.issues' }).temporal.versioning).toEqual({
      version: { deploymentName: 'acme-issues', buildId: '1.4.0+abc123' },
      rollout: 'auto',
    });
    expect(loadConfig({ ISSUEFLOW_BUILD_ID: 'b7', ISSUEFLOW_DEPLOYMENT_NAME: 'acme', ISSUEFLOW_VERSION_ROLLOUT: 'manual' }).temporal.versioning).toEqual({
      version: { deploymentName: 'acme', buildId: 'b7' },
      rollout: 'manual',
    });
  });

  test('webhooks switch on by themselves when a secret is set', () => {
    expect(loadConfig({ GITHUB_WEBHOOK_SECRET: 's3cret-value' }).webhooks).toEqual({ enabled: true, secret: 's3cret-value' });
    expect(loadConfig({ GITHUB_WEBHOOK_SECRET: 's3cret-value', ISSUEFLOW_WEBHOOKS: 'off' }).webhooks.enabled).toBe(false);
  });

  describe('which repositories a GitHub App serves', () => {
    const app = { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'pem' };
    const refusal = (env: Record<string, string>) => {
      try {
        requireRepoScope(loadConfig(env));
        return undefined;
      } catch (e) {
        return e;
      }
    };

    test('without ALLOWED_REPOS or ALLOWED_OWNERS, the start is refused with one line naming both', () => {
      const error = refusal(app);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^Invalid configuration: ALLOWED_REPOS or ALLOWED_OWNERS is required with a GitHub App \(GITHUB_APP_ID\)/);
      expect((error as Error).message).not.toContain('\n');
    });

    test('either list, or ALLOWED_REPOS=* (a choice, warned about), lets it start; a token needs neither', () => {
      expect(refusal({ ...app, ALLOWED_REPOS: 'octo/app' })).toBeUndefined();
      expect(refusal({ ...app, ALLOWED_OWNERS: 'octo, acme' })).toBeUndefined();
      expect(loadConfig({ ...app, ALLOWED_OWNERS: 'octo, acme' }).github.allowedOwners).toEqual(['octo', 'acme']);
      expect(refusal({ ...app, ALLOWED_REPOS: '*' })).toBeUndefined();
      expect(servesEveryRepo(loadConfig({ ...app, ALLOWED_REPOS: '*' }))).toBe(true);
      expect(servesEveryRepo(loadConfig({ ...app, ALLOWED_REPOS: 'octo/app' }))).toBe(false);
      expect(refusal({ GITHUB_TOKEN: 'ghp_x' })).toBeUndefined();
    });
  });

  test('WEBHOOK_PROXY_URL needs the webhook secret (deliveries are verified after forwarding) and is itself a secret', () => {
    expect(() => loadConfig({ WEBHOOK_PROXY_URL: 'https://smee.io/abc' })).toThrow(/WEBHOOK_PROXY_URL forwards webhooks, so GITHUB_WEBHOOK_SECRET is required/);
    expect(() => loadConfig({ WEBHOOK_PROXY_URL: 'not a url', GITHUB_WEBHOOK_SECRET: 'whsec' })).toThrow(/WEBHOOK_PROXY_URL must be a URL/);
    const c = loadConfig({ WEBHOOK_PROXY_URL: 'https://smee.io/abc', GITHUB_WEBHOOK_SECRET: 'whsec' });
    expect(c.webhooks).toEqual({ enabled: true, secret: 'whsec', proxyUrl: 'https://smee.io/abc' });
    expect(secretValues(c)).toContain('https://smee.io/abc');
  });

  test('secretValues lists every secret that is set, for scrubbing', () => {
    const c = loadConfig({ GITHUB_TOKEN: 'ghp_abcdef', GITHUB_WEBHOOK_SECRET: 'whsec', ISSUEFLOW_API_TOKEN: 'api-token', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(secretValues(c).sort()).toEqual(['api-token', 'ghp_abcdef', 'postgres://u:p@h/db', 'whsec'].sort());
  });
});
