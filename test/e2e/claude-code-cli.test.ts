import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { MockActivityEnvironment } from '@temporalio/testing';
import { agentCommand } from '../../src/activities/agent/presets';
import { parseStreamJson } from '../../src/activities/agent/parse';
import { createAgentActivities } from '../../src/activities/agent';
import type { AgentMode } from '../../src/activities/types';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { git } from '../support/git-repos';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { FakeAnthropic, textTurn, toolTurn, type ScriptStep } from '../support/fake-anthropic';

/**
 * The claude-code preset against the real Claude Code CLI (the @anthropic-ai/claude-code devDependency),
 * offline: the model is a scripted fake Messages API on 127.0.0.1. See docs/claude-code-offline.md.
 */
const BIN_DIR = resolve(__dirname, '../../node_modules/.bin');
const API_KEY = 'sk-ant-test-dummy';
const PLAN_JSON = '```json\n{"summary": "Change the greeting", "steps": ["Edit src/greeting.txt"], "complexity": "simple", "questions": []}\n```';

/** What the CLI needs to run offline against the fake (and nothing else from the host). */
function offlineEnv(baseUrl: string, home: string): Record<string, string> {
  return {
    PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
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

  /** Runs the preset's command line exactly as the runner builds it (prompt on stdin). */
  async function runPreset(mode: AgentMode) {
    const cmd = agentCommand('claude-code', { mode, promptFile, workdir: repo });
    const run = await execa(cmd.file, cmd.args, {
      cwd: repo,
      env: offlineEnv(fake!.url, home),
      extendEnv: false,
      reject: false,
      stdin: cmd.stdinFile ? { file: cmd.stdinFile } : 'ignore',
      timeout: 45_000,
    });
    const lines = run.stdout.split('\n').filter((l) => l.trim());
    const result = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
    return { ...run, lines, result };
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
    expect(fake.turnsServed).toBe(3);
    const [read, edit] = fake.toolResults();
    expect(read).toMatchObject({ isError: false, content: expect.stringContaining('hello world') });
    expect(edit).toMatchObject({ isError: false });
    expect(fake.requests.every((r) => r.headers['x-api-key'] === API_KEY || r.kind === 'hello')).toBe(true);
    expect(fake.requests.filter((r) => r.kind === 'agent')[0].path).toMatch(/^\/v1\/messages/);
  });

  test('plan mode: an Edit the model asks for is refused and the file stays as it was', async () => {
    fake = await FakeAnthropic.start({ script: editScript(greeting, `Here is the plan.\n${PLAN_JSON}`) });
    const run = await runPreset('plan');

    expect(run.exitCode).toBe(0);
    expect(readFileSync(greeting, 'utf8')).toBe('hello world\n');
    expect(git(['status', '--porcelain'], repo)).toBe('');
    expect(JSON.parse(run.lines[0])).toMatchObject({ type: 'system', subtype: 'init', permissionMode: 'plan' });
    expect(run.result).toMatchObject({ type: 'result', is_error: false, num_turns: 3 });
    expect(run.result.permission_denials).toEqual([expect.objectContaining({ tool_name: 'Edit' })]);
    expect(fake.problems).toEqual([]);
    const [read, edit] = fake.toolResults();
    expect(read).toMatchObject({ isError: false, content: expect.stringContaining('hello world') });
    expect(edit).toMatchObject({ isError: true });
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
      // DISABLE_* are not provider variables: the operator lists them in AGENT_ENV.
      const config = loadConfig({ AGENT: 'claude-code', AGENT_ENV: 'DISABLE_AUTOUPDATER,DISABLE_TELEMETRY', ISSUEFLOW_DATA_DIR: root });
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
      const result = await new MockActivityEnvironment().run(activities.runAgent, input);

      expect(readFileSync(greeting, 'utf8')).toBe('hello issueflow\n');
      expect(result).toMatchObject({ agent: 'claude-code', exitCode: 0, resultText: 'Changed the greeting to hello issueflow.', turns: 3 });
      expect(result.costUsd).toBeGreaterThan(0);
      expect(result.tokens!.input).toBeGreaterThan(0);
      expect(result.tokens!.output).toBeGreaterThan(0);
      expect(fake.problems).toEqual([]);
      expect(fake.toolResults()[0].content).toContain('hello world');
    });
  });
});
