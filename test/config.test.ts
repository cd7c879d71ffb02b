import { ConfigError, loadConfig, secretValues } from '../src/config';

describe('configuration', () => {
  test('an empty environment gives the embedded defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./.issueflow');
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'issueflow', uiPort: 8233, githubWriteTaskQueue: 'issueflow-github-writes', agentTaskQueue: 'issueflow-agents' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.webhooks.enabled).toBe(false);
    expect(c.github.apiUrl).toBe('https://api.github.com');
    expect(c.github.cloneUrlTemplate).toBe('https://github.com/{owner}/{repo}.git');
    expect(c.triggerLabel).toBe('agent');
    expect(c.agent.preset).toBe('claude-code');
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

  test('webhooks switch on by themselves when a secret is set', () => {
    expect(loadConfig({ GITHUB_WEBHOOK_SECRET: 's3cret-value' }).webhooks).toEqual({ enabled: true, secret: 's3cret-value' });
    expect(loadConfig({ GITHUB_WEBHOOK_SECRET: 's3cret-value', ISSUEFLOW_WEBHOOKS: 'off' }).webhooks.enabled).toBe(false);
  });

  test('secretValues lists every secret that is set, for scrubbing', () => {
    const c = loadConfig({ GITHUB_TOKEN: 'ghp_abcdef', GITHUB_WEBHOOK_SECRET: 'whsec', ISSUEFLOW_API_TOKEN: 'api-token', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(secretValues(c).sort()).toEqual(['api-token', 'ghp_abcdef', 'postgres://u:p@h/db', 'whsec'].sort());
  });
});
