import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { MockActivityEnvironment } from '@temporalio/testing';
import { agentCommand } from '../../src/activities/agent/presets';
import { looksLikeProviderOutage, looksLikeUnknownSession, parseSessionId, parseStreamJson } from '../../src/activities/agent/parse';
import { createAgentActivities } from '../../src/activities/agent';
import type { AgentMode, AgentRunInput, AgentRunResult } from '../../src/activities/types';
import { readRunLog } from '../../src/activities/run-log';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { git } from '../support/git-repos';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { errorTurn, FakeAnthropic, textTurn, toolTurn, type ScriptStep } from '../support/fake-anthropic';

/**
 * The claude-code preset against the real Claude Code CLI (the @anthropic-ai/claude-code devDependency),
 * offline: the model is a scripted fake Messages API on 127.0.0.1. See docs/claude-code-offline.md.
 */
const BIN_DIR = resolve(__dirname, '../../node_modules/.bin');
const API_KEY = 'sk-ant-test-dummy';
const PLAN_JSON = '```json\n{"summary": "Change the greeting", "steps": ["Edit src/greeting.txt"], "complexity": "simple", "questions": []}\n```';

/**
 * What the CLI needs to run offline against the fake, and nothing else from the host. The fake is also
 * the HTTPS proxy (NO_PROXY keeps the API itself direct), so any attempt to reach another host is
 * recorded and refused instead of leaving the machine.
 */
function offlineEnv(baseUrl: string, home: string, nonessentialTraffic = false): Record<string, string> {
  const offline = { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1' };
  return {
    PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: API_KEY,
    ...(nonessentialTraffic ? {} : offline),
    HTTPS_PROXY: baseUrl,
    HTTP_PROXY: baseUrl,
    NO_PROXY: '127.0.0.1,localhost',
  };
}

/** Read the greeting, replace it, say so: the three turns of a tiny implement run. */
function editScript(file: string, finalText: string): ScriptStep[] {
  return [
    toolTurn('Read', { file_path: file }, 'Let me look at the greeting.'),
    toolTurn('Edit', { file_path: file, old_string: 'hello world', new_string: 'hello issueflow' }),
    textTurn(finalText),
  ];
}

describe('claude-code preset with the real claude CLI, offline', () => {
  let root: string;
  let repo: string;
  let home: string;
  let promptFile: string;
  let greeting: string;
  let fake: FakeAnthropic | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'issueflow-claude-'));
    repo = join(root, 'repo');
    home = join(root, 'home');
    mkdirSync(join(repo, 'src'), { recursive: true });
    mkdirSync(home);
    greeting = join(repo, 'src', 'greeting.txt');
    writeFileSync(greeting, 'hello world\n');
    git(['init', '-q', '--initial-branch=main'], repo);
    git(['add', '-A'], repo);
    git(['commit', '-q', '-m', 'Initial commit'], repo);
    promptFile = join(root, 'prompt.md');
    writeFileSync(promptFile, 'Change the greeting in src/greeting.txt to "hello issueflow".\n');
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  /** Runs claude in the repo, offline, with the prompt on stdin; returns the output and the result line. */
  async function runClaude(args: string[], options: { nonessentialTraffic?: boolean; extraEnv?: Record<string, string> } = {}) {
    const run = await execa('claude', args, {
      cwd: repo,
      env: { ...offlineEnv(fake!.url, home, options.nonessentialTraffic), ...options.extraEnv },
      extendEnv: false,
      reject: false,
      inputFile: promptFile,
      timeout: 45_000,
    });
    const lines = run.stdout.split('\n').filter((l) => l.trim());
    const result = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
    return { ...run, lines, result };
  }

  /** Runs the preset's command line exactly as the runner builds it (prompt on stdin). */
  function runPreset(mode: AgentMode, options: { nonessentialTraffic?: boolean } = {}) {
    const cmd = agentCommand('claude-code', { mode, promptFile, workdir: repo });
    expect({ file: cmd.file, stdinFile: cmd.stdinFile }).toEqual({ file: 'claude', stdinFile: promptFile });
    return runClaude(cmd.args, options);
  }

  test('implement mode: the CLI reads and edits the file, reports turns, usage and cost', async () => {
    fake = await FakeAnthropic.start({ script: editScript(greeting, 'Changed the greeting to hello issueflow.') });
    const run = await runPreset('implement');

    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(readFileSync(greeting, 'utf8')).toBe('hello issueflow\n');
    expect(JSON.parse(run.lines[0])).toMatchObject({ type: 'system', subtype: 'init', cwd: repo, permissionMode: 'acceptEdits', apiKeySource: 'ANTHROPIC_API_KEY' });
    expect(run.result).toMatchObject({ type: 'result', subtype: 'success', is_error: false, num_turns: 3, result: 'Changed the greeting to hello issueflow.' });
    expect(run.result.total_cost_usd).toBeGreaterThan(0);
    expect((run.result.usage as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    expect((run.result.usage as { output_tokens: number }).output_tokens).toBeGreaterThan(0);

    const parsed = parseStreamJson(run.stdout);
    expect(parsed).toEqual({
      resultText: 'Changed the greeting to hello issueflow.',
      isError: false,
      turns: 3,
      tokens: { input: expect.any(Number), output: expect.any(Number) },
      costUsd: run.result.total_cost_usd,
    });
    expect(parsed!.tokens!.input).toBeGreaterThan(0);

    expect(fake.problems).toEqual([]);
    expect(fake.outsideConnections()).toEqual([]);
    expect(fake.requests.map((r) => r.kind)).toEqual(['agent', 'agent', 'agent']);
    expect(fake.turnsServed).toBe(3);
    const [read, edit] = fake.toolResults();
    expect(read).toMatchObject({ isError: false, content: expect.stringContaining('hello world') });
    expect(edit).toMatchObject({ isError: false });
    expect(fake.requests.every((r) => r.headers['x-api-key'] === API_KEY || r.kind === 'hello')).toBe(true);
    expect(fake.requests.filter((r) => r.kind === 'agent')[0].path).toMatch(/^\/v1\/messages/);
  });

  test('plan mode: the Edit and the writing Bash command the model asks for are refused', async () => {
    const bash = { command: 'echo hacked > src/greeting.txt', description: 'Overwrite the greeting' };
    const [read, edit] = editScript(greeting, '');
    fake = await FakeAnthropic.start({ script: [read, edit, toolTurn('Bash', bash), textTurn(`Here is the plan.\n${PLAN_JSON}`)] });
    const run = await runPreset('plan');

    expect(run.exitCode).toBe(0);
    expect(readFileSync(greeting, 'utf8')).toBe('hello world\n');
    expect(git(['status', '--porcelain'], repo)).toBe('');
    expect(JSON.parse(run.lines[0])).toMatchObject({ type: 'system', subtype: 'init', permissionMode: 'plan' });
    expect(run.result).toMatchObject({ type: 'result', is_error: false, num_turns: 4 });
    expect(parseStreamJson(run.stdout)).toMatchObject({ isError: false, turns: 4, resultText: expect.stringContaining('"summary": "Change the greeting"') });
    expect(fake.problems).toEqual([]);
    expect(fake.outsideConnections()).toEqual([]);
    expect(fake.toolResults().map((t) => t.isError)).toEqual([false, true, true]);
    expect(fake.toolResults()[0].content).toContain('hello world');
  });

  // Not the preset's flags: what the CLI does in plan mode with Bash available, which the fake must handle.
  test('without the offline variables the CLI calls api.anthropic.com, and plan mode asks a classifier model about Bash', async () => {
    const bash = { command: 'echo hacked > src/greeting.txt', description: 'Overwrite the greeting' };
    fake = await FakeAnthropic.start({ classifierVerdict: 'block', script: [toolTurn('Bash', bash), textTurn(`Plan only.\n${PLAN_JSON}`)] });
    const run = await runClaude(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'plan'], { nonessentialTraffic: true });

    expect(run.exitCode).toBe(0);
    expect(readFileSync(greeting, 'utf8')).toBe('hello world\n');
    expect(run.result).toMatchObject({ is_error: false, num_turns: 2, permission_denials: [expect.objectContaining({ tool_name: 'Bash' })] });
    expect(fake.toolResults()).toEqual([expect.objectContaining({ isError: true, content: expect.stringContaining('the scripted fake blocks every action') })]);
    // ANTHROPIC_BASE_URL does not cover these calls: offline, only the variables stop them.
    expect(fake.outsideConnections()).toContain('api.anthropic.com:443');
    // The auto-mode classifier's side requests are answered without consuming the script.
    const side = fake.requests.filter((r) => r.kind === 'side');
    expect(side.length).toBeGreaterThan(0);
    expect((side[0].body as { stop_sequences?: string[] }).stop_sequences).toEqual(['</block>']);
    expect(fake.turnsServed).toBe(2);
    expect(fake.problems).toEqual([]);
  });

  // `--permission-mode plan` alone leaves a writing Bash command to the auto-mode classifier model, which
  // may allow it; the preset's plan mode therefore offers only read tools (`--tools`).
  test('plan mode stays read-only even when the auto-mode classifier allows a writing Bash command', async () => {
    const bash = { command: 'echo hacked > src/greeting.txt', description: 'Overwrite the greeting' };
    fake = await FakeAnthropic.start({ classifierVerdict: 'allow', script: [toolTurn('Bash', bash), textTurn(`Plan only.\n${PLAN_JSON}`)] });
    const run = await runPreset('plan', { nonessentialTraffic: true });

    expect(run.exitCode).toBe(0);
    expect(fake.turnsServed).toBe(2);
    expect(readFileSync(greeting, 'utf8')).toBe('hello world\n');
    expect(fake.toolResults()).toEqual([expect.objectContaining({ isError: true, content: expect.stringContaining('No such tool available: Bash') })]);
    const offered = (fake.agentRequests()[0].tools ?? []).map((t) => t.name);
    expect(offered).toEqual(expect.arrayContaining(['Read', 'Glob', 'Grep']));
    expect(offered.filter((n) => ['Bash', 'Edit', 'Write', 'NotebookEdit', 'Agent', 'Workflow'].includes(n))).toEqual([]);
  });

  test('a provider outage (529 overloaded) ends the run with an error result the runner reads as an outage', async () => {
    fake = await FakeAnthropic.start({ script: [errorTurn(529, 'overloaded_error', 'Overloaded')] });
    const cmd = agentCommand('claude-code', { mode: 'implement', promptFile, workdir: repo });
    // CLAUDE_CODE_MAX_RETRIES=0: by default the CLI retries 10 times with back-off (minutes).
    const run = await runClaude(cmd.args, { extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' } });

    expect(run.exitCode).toBe(1);
    expect(fake.requests.map((r) => `${r.kind} ${r.status}`)).toEqual(['agent 529']);
    expect(parseStreamJson(run.stdout)).toMatchObject({ isError: true, resultText: expect.stringContaining('529 Overloaded') });
    expect(looksLikeProviderOutage(run.stdout)).toBe(true);
    expect(readFileSync(greeting, 'utf8')).toBe('hello world\n');
  });

  test('`claude -p --resume <id>` continues a session offline: the next run sends the earlier messages and edits without reading again; an unknown id is refused', async () => {
    fake = await FakeAnthropic.start({
      script: [...editScript(greeting, 'Changed it.'), toolTurn('Edit', { file_path: greeting, old_string: 'hello issueflow', new_string: 'hello again' }), textTurn('Changed it again.')],
    });
    const cold = await runPreset('implement');
    const id = cold.lines.map(parseSessionId).find((x) => x !== undefined);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    writeFileSync(promptFile, 'The tests still fail: make it "hello again".\n');
    const warm = await runClaude(agentCommand('claude-code', { mode: 'implement', promptFile, workdir: repo, resumeSession: id }).args);

    expect({ exitCode: warm.exitCode, stderr: warm.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(readFileSync(greeting, 'utf8')).toBe('hello again\n');
    // The continued run's first request carries the first run's prompt and turns before the new prompt.
    const first = JSON.stringify(fake.agentRequests()[3].messages);
    expect(first).toContain('Change the greeting in src/greeting.txt');
    expect(first).toContain('The tests still fail');
    // Claude Code's total_cost_usd is the session's: the continued run's includes the first run's.
    expect(warm.result.total_cost_usd as number).toBeGreaterThan(cold.result.total_cost_usd as number);

    const gone = await runClaude(agentCommand('claude-code', { mode: 'implement', promptFile, workdir: repo, resumeSession: '0b6c5e2a-9f1d-4c3e-8a77-2f0e1d9c4b10' }).args);
    expect(gone.exitCode).toBe(1);
    expect(looksLikeUnknownSession(gone.stdout + gone.stderr)).toBe(true);
    expect(fake.problems).toEqual([]);
  });

  describe('through the agent runner activity', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db.drop();
    });

    test('runAgent with AGENT=claude-code finds claude on PATH and returns its result', async () => {
      fake = await FakeAnthropic.start({ script: editScript(greeting, 'Changed the greeting to hello issueflow.') });
      // CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC reaches the agent as a provider variable and is enough
      // on its own; DISABLE_* are dropped. The proxy variables (the test's guard) need AGENT_ENV.
      const config = loadConfig({ AGENT: 'claude-code', AGENT_ENV: 'HTTPS_PROXY,HTTP_PROXY,NO_PROXY', ISSUEFLOW_DATA_DIR: root });
      const activities = createAgentActivities({
        config,
        pool: db.pool,
        logger: createLogger({ level: 'silent' }),
        workspaceDir: () => repo,
        env: { ...offlineEnv(fake.url, home), GITHUB_TOKEN: 'ghp_never_for_the_agent_000000000000' },
      });
      const input = {
        workflowId: 'acme/tiny#1',
        ref: { owner: 'acme', repo: 'tiny', issueNumber: 1 },
        branch: 'issueflow/issue-1',
        mode: 'implement' as const,
        prompt: readFileSync(promptFile, 'utf8'),
        step: 'implement-1',
        timeoutMinutes: 1,
      };
      const env = new MockActivityEnvironment();
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => heartbeats.push(d));
      const result = (await env.run(activities.runAgent, input)) as AgentRunResult;

      expect(readFileSync(greeting, 'utf8')).toBe('hello issueflow\n');
      expect(result).toMatchObject({ agent: 'claude-code', exitCode: 0, resultText: 'Changed the greeting to hello issueflow.', turns: 3 });
      expect(result.costUsd).toBeGreaterThan(0);
      expect(result.tokens!.input).toBeGreaterThan(0);
      expect(result.tokens!.output).toBeGreaterThan(0);
      expect(fake.problems).toEqual([]);
      expect(fake.outsideConnections()).toEqual([]);
      expect(fake.toolResults()[0].content).toContain('hello world');
      expect(heartbeats).toContainEqual(expect.objectContaining({ bytes: expect.any(Number) }));
      const log = (await readRunLog(db.pool, input.workflowId, input.step)).map((c) => c.chunk).join('');
      expect(log).toContain('"type":"result"');
      expect(log).not.toContain('ghp_never_for_the_agent');
    });

    test('runAgent continues the round before\'s session with its short prompt, counts only the run\'s own cost, and starts cold when the session is gone', async () => {
      fake = await FakeAnthropic.start({
        script: [
          ...editScript(greeting, 'Changed it.'),
          toolTurn('Edit', { file_path: greeting, old_string: 'hello issueflow', new_string: 'hello again' }),
          textTurn('Changed it again.'),
          ...editScript(greeting, 'Cold again.').map((t, i) => (i === 1 ? toolTurn('Edit', { file_path: greeting, old_string: 'hello again', new_string: 'hello cold' }) : t)),
        ],
      });
      const config = loadConfig({ AGENT: 'claude-code', AGENT_ENV: 'HTTPS_PROXY,HTTP_PROXY,NO_PROXY', ISSUEFLOW_DATA_DIR: root });
      const activities = createAgentActivities({ config, pool: db.pool, logger: createLogger({ level: 'silent' }), workspaceDir: () => repo, env: offlineEnv(fake.url, home) });
      const input = { workflowId: 'acme/tiny#2', ref: { owner: 'acme', repo: 'tiny', issueNumber: 2 }, branch: 'issueflow/issue-2', mode: 'implement' as const, prompt: readFileSync(promptFile, 'utf8'), step: 'implement-1', timeoutMinutes: 1 };
      const run = (more: Partial<AgentRunInput>) => new MockActivityEnvironment().run(activities.runAgent, { ...input, ...more }) as Promise<AgentRunResult>;

      const cold = await run({});
      expect(cold).toMatchObject({ sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), costUsd: expect.any(Number) });
      expect(cold.sessionCostUsd).toBe(cold.costUsd);
      const resume = { agent: 'claude-code', sessionId: cold.sessionId!, prompt: 'The tests still fail: make it "hello again".', sessionCostUsd: cold.sessionCostUsd };
      const warm = await run({ step: 'implement-2', resume });
      expect(warm.resumed).toBe(true);
      expect(readFileSync(greeting, 'utf8')).toBe('hello again\n');
      expect(fake.agentRequests()[3].messages.at(-1)).toMatchObject({ role: 'user' });
      expect(JSON.stringify(fake.agentRequests()[3].messages.at(-1))).toContain('The tests still fail');
      expect(warm.sessionCostUsd!).toBeCloseTo(cold.sessionCostUsd! + warm.costUsd!, 6);
      expect(warm.costUsd!).toBeLessThan(warm.sessionCostUsd!);

      // The session's transcript is gone (a cleaned-up HOME): the same activity starts cold with the whole prompt.
      const gone = await run({ step: 'implement-3', resume: { ...resume, sessionId: '0b6c5e2a-9f1d-4c3e-8a77-2f0e1d9c4b10' } });
      expect(gone.resumed).toBeUndefined();
      expect(readFileSync(greeting, 'utf8')).toBe('hello cold\n');
      expect(JSON.stringify(fake.agentRequests()[5].messages)).toContain('Change the greeting in src/greeting.txt');
      expect(fake.problems).toEqual([]);
    });
  });
});
