import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { writePaused } from '../../../src/store/settings';
import { readRunLog } from '../../../src/activities/run-log';
import type { TestDatabase } from '../../support/database';
import { SCRIPTED_AGENT_BIN_DIR, SCRIPTED_AGENT_PATH } from '../../support/scripted-agent';
import { activityEnv, useAgentFixture, type AgentFixture } from '../../support/scripted-agent/fixture';

const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ApplicationFailure);

describe('runAgent with the scripted agent', () => {
  let db: TestDatabase;
  let fx: AgentFixture;
  useAgentFixture((suite) => ({ db, fx } = suite));

  test('implement mode: edits land in the worktree, usage is parsed, output is in the run log, heartbeats flow', async () => {
    const { run: runIn, heartbeats } = activityEnv();
    const input = fx.input('Fix the adder\nagent: replace math.js a + b => b + a\nagent: write docs/NOTES.md Added notes');
    const r = await runIn(fx.agent().runAgent, input);
    expect(readFileSync(join(fx.workdir, 'math.js'), 'utf8')).toContain('b + a');
    expect(readFileSync(join(fx.workdir, 'docs/NOTES.md'), 'utf8')).toBe('Added notes\n');
    expect(r).toMatchObject({ agent: 'custom', exitCode: 0, turns: 3, costUsd: 0.0123, tokens: { input: input.prompt.length, output: expect.any(Number) } });
    expect(r.resultText).toBe('Done: Edited math.js; Wrote docs/NOTES.md');
    expect(r.plan).toBeUndefined();
    expect(r.outputTail).toContain('"type":"result"');
    const log = (await readRunLog(db.pool, input.workflowId, 'implement-1')).map((row) => row.chunk).join('');
    expect(log).toContain('"subtype":"init"');
    expect(log).toContain('Edited math.js');
    expect(heartbeats[0]).toEqual({ bytes: expect.any(Number), lastLine: expect.stringContaining('"type"'), session: { agent: 'custom', id: r.sessionId } });
  });

  test('plan mode returns the plan and its questions, and writes nothing', async () => {
    const prompt = 'Add a subtract function\nagent: ask Should it handle BigInt?\nagent: complexity complex\nagent: write nope.txt no';
    const r = await activityEnv().run(fx.agent().runAgent, fx.input(prompt, { mode: 'plan', step: 'analyze' }));
    expect(r.plan).toEqual({ summary: 'Plan for: Add a subtract function', steps: expect.any(Array), complexity: 'complex', estimate: '10 minutes', questions: ['Should it handle BigInt?'] });
    expect(existsSync(join(fx.workdir, 'nope.txt'))).toBe(false);
  });

  test('the claude-code preset runs `claude -p --output-format stream-json` with the prompt on stdin', async () => {
    const agent = fx.agent({ AGENT: 'claude-code' }, { env: { ...process.env, PATH: `${SCRIPTED_AGENT_BIN_DIR}:${process.env.PATH}` } });
    const r = await activityEnv().run(agent.runAgent, fx.input('Plan it\nagent: ask Really?', { mode: 'plan' }));
    expect(r.agent).toBe('claude-code');
    expect(r.plan?.questions).toEqual(['Really?']);
  });

  test('the environment is built: provider and AGENT_ENV variables yes, issueflow secrets never', async () => {
    const secrets = {
      GITHUB_TOKEN: 'ghp_secretsecretsecretsecret0001',
      GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----abc',
      GITHUB_WEBHOOK_SECRET: 'webhook-secret-value',
      DATABASE_URL: 'postgres://user:pw@db/issueflow',
      ISSUEFLOW_API_TOKEN: 'api-token-value-123',
    };
    const extra = { ANTHROPIC_API_KEY: 'sk-ant-test-key-0000000000000000000', MY_AGENT_SETTING: 'fast', UNRELATED_VAR: 'x' };
    Object.assign(process.env, secrets, extra);
    try {
      // Even when AGENT_ENV names them, the service's secrets stay out.
      const agent = fx.agent({ AGENT_ENV: 'MY_AGENT_SETTING,GITHUB_TOKEN,DATABASE_URL' });
      await activityEnv().run(agent.runAgent, fx.input('agent: dump-env agent-env.json'));
    } finally {
      for (const name of Object.keys({ ...secrets, ...extra })) delete process.env[name];
    }
    const seen = JSON.parse(readFileSync(join(fx.workdir, 'agent-env.json'), 'utf8')) as Record<string, string>;
    for (const name of Object.keys(secrets)) expect(seen[name]).toBeUndefined();
    expect(JSON.stringify(seen)).not.toMatch(/secretsecret|webhook-secret-value|api-token-value|user:pw/);
    expect(seen.ANTHROPIC_API_KEY).toBe(extra.ANTHROPIC_API_KEY);
    expect(seen.MY_AGENT_SETTING).toBe('fast');
    expect(seen.UNRELATED_VAR).toBeUndefined();
    expect(seen.PATH).toBe(process.env.PATH);
  });

  test('a non-zero exit is a retryable AgentFailed whose message has the output tail without secrets', async () => {
    const token = 'ghs_0123456789abcdefghijklmnopqrstu';
    const err = await failureOf(activityEnv().run(fx.agent({ GITHUB_TOKEN: token }).runAgent, fx.input(`agent: say using ${token}\nagent: fail compilation broke`)));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'AgentFailed', nonRetryable: false });
    expect(err?.message).toContain('compilation broke');
    expect(err?.message).not.toContain(token);
  });

  test('a missing binary is a non-retryable AgentMissing', async () => {
    const err = await failureOf(activityEnv().run(fx.agent({ AGENT_COMMAND: 'no-such-agent-binary {prompt_file}' }).runAgent, fx.input('hi')));
    expect(err).toMatchObject({ type: 'AgentMissing', nonRetryable: true });
    expect(err?.message).toMatch(/no-such-agent-binary.*ENOENT/);
  });

  test('a repository that asks for `custom` where AGENT_COMMAND is not set gets AgentMissing', async () => {
    const agent = fx.agent({ AGENT: 'codex', AGENT_COMMAND: '' });
    const err = await failureOf(activityEnv().run(agent.runAgent, fx.input('hi', { agent: 'custom' })));
    expect(err).toMatchObject({ type: 'AgentMissing', nonRetryable: true });
    expect(err?.message).toMatch(/AGENT_COMMAND/);
  });

  test('AGENT_FALLBACK takes over when the primary is missing or its provider is down, not when the task fails', async () => {
    const env = { ...process.env, PATH: `${SCRIPTED_AGENT_BIN_DIR}:${process.env.PATH}` };
    const missing = fx.agent({ AGENT_COMMAND: 'no-such-agent-binary', AGENT_FALLBACK: 'claude-code' }, { env });
    expect((await activityEnv().run(missing.runAgent, fx.input('agent: say hello'))).agent).toBe('claude-code');
    const outage = fx.agent({ AGENT_COMMAND: `node ${SCRIPTED_AGENT_PATH} --simulate-outage`, AGENT_FALLBACK: 'claude-code' }, { env });
    expect((await activityEnv().run(outage.runAgent, fx.input('agent: say hello'))).agent).toBe('claude-code');
    const taskFailure = fx.agent({ AGENT_FALLBACK: 'claude-code' }, { env });
    const err = await failureOf(activityEnv().run(taskFailure.runAgent, fx.input('agent: fail syntax error')));
    expect(err).toMatchObject({ type: 'AgentFailed' });
    expect(err?.details?.[0]).toMatchObject({ agent: 'custom' });
  });

  test('while paused the agent does not start: AgentPaused at once, non-retryable (the workflow holds the round); once resumed it runs', async () => {
    await writePaused(db.pool, true);
    const input = fx.input('agent: say resumed');
    const started = Date.now();
    const err = await failureOf(activityEnv().run(fx.agent().runAgent, input));
    expect(err).toMatchObject({ type: 'AgentPaused', nonRetryable: true });
    expect(err?.message).toContain('POST /admin/resume');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await readRunLog(db.pool, input.workflowId)).toEqual([]);
    await writePaused(db.pool, false);
    expect((await activityEnv().run(fx.agent().runAgent, input)).resultText).toBe('Done: resumed');
  });

  test('a silent agent heartbeats on a timer although it prints nothing', async () => {
    const { run: runIn, heartbeats } = activityEnv();
    const r = await runIn(fx.agent().runAgent, fx.input('agent: say one line\nagent: sleep 3500'));
    expect(r.resultText).toBe('Done: one line');
    // The scripted agent prints its lines at once, then nothing for 3.5 s: only the timer heartbeats then.
    expect(heartbeats.length).toBeGreaterThanOrEqual(6);
    expect(heartbeats[heartbeats.length - 1]).toEqual({ bytes: expect.any(Number), lastLine: expect.any(String), session: { agent: 'custom', id: expect.any(String) } });
  });
});
