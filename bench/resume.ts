// `node -r ./bench/register.js bench/resume.ts [--rounds 3]`: a fix loop with the real Claude Code CLI offline
// (the @anthropic-ai/claude-code devDependency against test/support/fake-anthropic), every round cold or each
// round after the first continuing the round before's session (`claude -p --resume <id>`, told only what is new).
// Prints the input tokens the CLI sent (the fake counts a request's JSON / 4, as its usage says), the cost the
// CLI computed and the wall time, per mode. Two models of what a continued round does: `same turns` (it reads the
// file again, as a cold round must) and `no re-read` (the file is in its context already). See README "Resumed sessions".
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { execa } from 'execa';
import { agentCommand } from '../src/activities/agent/presets';
import { parseResultLine, parseSessionId } from '../src/activities/agent/parse';
import { parseIssue } from '../src/domain/issue-parser';
import { buildImplementPrompt, buildResumePrompt, type PromptInput } from '../src/domain/prompt';
import { FakeAnthropic, textTurn, toolTurn, type ScriptStep } from '../test/support/fake-anthropic';
import { git } from '../test/support/git-repos';

const BIN_DIR = resolve(__dirname, '../node_modules/.bin');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

type Mode = 'cold' | 'resumed (same turns)' | 'resumed (no re-read)';
interface Round { inputTokens: number; requests: number; costUsd: number; ms: number; resumed: boolean }

const body = '### Description\nThe greeting in src/greeting.txt must name the release. Each round fixes what the last test run said.\n### Acceptance criteria\n- the greeting test passes\n### Relevant files\n- `src/greeting.txt`';
const issue = { title: 'Name the release in the greeting', body, author: 'alice', authorTrusted: true };
const input = (k: number): PromptInput => ({
  issueNumber: 7,
  repo: 'acme/app',
  branch: 'issueflow/issue-7',
  issue,
  task: parseIssue({ ...issue, labels: [] }),
  plan: { summary: 'Edit the greeting until the test passes.', steps: ['Edit src/greeting.txt', 'Run the tests'], complexity: 'simple', questions: [] },
  conversation: [],
  testCommand: 'npm test',
  ...(k > 1 ? { testFailure: `FAIL test/greeting.test.js\n  expected "v${k}" but the greeting says "v${k - 1}"` } : {}),
});

/** Round k: read the file (unless a continued round needs not), replace v{k-1} by v{k}, say so. */
function script(file: string, k: number, reread: boolean): ScriptStep[] {
  return [...(reread ? [toolTurn('Read', { file_path: file }, 'Let me look at the greeting.')] : []), toolTurn('Edit', { file_path: file, old_string: `v${k - 1}`, new_string: `v${k}` }), textTurn(`Round ${k}: the greeting says v${k}.`)];
}

async function scenario(mode: Mode): Promise<Round[]> {
  const root = mkdtempSync(join(tmpdir(), 'issueflow-resume-bench-'));
  const repo = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(join(repo, 'src'), { recursive: true });
  mkdirSync(home);
  const file = join(repo, 'src', 'greeting.txt');
  writeFileSync(file, 'hello v0\n');
  git(['init', '-q', '--initial-branch=main'], repo);
  git(['add', '-A'], repo);
  git(['commit', '-q', '-m', 'Initial commit'], repo);
  const resume = mode !== 'cold';
  const steps = Array.from({ length: rounds }, (_, i) => script(file, i + 1, i === 0 || mode !== 'resumed (no re-read)')).flat();
  const fake = await FakeAnthropic.start({ script: steps });
  const env = { PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}`, HOME: home, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-bench-dummy', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', HTTPS_PROXY: fake.url, NO_PROXY: '127.0.0.1,localhost' };
  const out: Round[] = [];
  let session: string | undefined;
  let sessionCost = 0;
  try {
    for (let k = 1; k <= rounds; k++) {
      const promptFile = join(root, `prompt-${k}.md`);
      const continued = resume && session !== undefined;
      writeFileSync(promptFile, continued ? buildResumePrompt(input(k), 0) : buildImplementPrompt(input(k)));
      const cmd = agentCommand('claude-code', { mode: 'implement', promptFile, workdir: repo, resumeSession: continued ? session : undefined });
      const before = fake.requests.filter((r) => r.kind === 'agent').length;
      const started = performance.now();
      const run = await execa(cmd.file, cmd.args, { cwd: repo, env, extendEnv: false, reject: false, inputFile: cmd.stdinFile, timeout: 90_000 });
      const ms = performance.now() - started;
      const lines = run.stdout.split('\n');
      const result = lines.map(parseResultLine).filter((r) => r !== undefined).at(-1);
      if (run.exitCode !== 0 || !result || result.isError) throw new Error(`${mode} round ${k} failed (${run.exitCode}): ${run.stderr || run.stdout.slice(-500)}`);
      session = lines.map(parseSessionId).filter((id) => id !== undefined).at(-1);
      const agent = fake.requests.filter((r) => r.kind === 'agent').slice(before);
      // The CLI reports the session's cost (a continued one's includes its earlier runs): the run's own is what it added.
      const reported = result.costUsd ?? 0;
      const costUsd = continued ? reported - sessionCost : reported;
      sessionCost = reported;
      out.push({ inputTokens: agent.reduce((n, r) => n + Math.ceil(JSON.stringify(r.body).length / 4), 0), requests: agent.length, costUsd, ms, resumed: continued });
    }
    const greeting = readFileSync(file, 'utf8').trim();
    if (greeting !== `hello v${rounds}`) throw new Error(`${mode}: the greeting says "${greeting}", not hello v${rounds}: an edit failed`);
    if (fake.problems.length) throw new Error(`${mode}: ${fake.problems.join('; ')}`);
    return out;
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const modes: Mode[] = ['cold', 'resumed (same turns)', 'resumed (no re-read)'];
  const rows: string[] = [];
  let cold: { tokens: number; cost: number; ms: number } | undefined;
  for (const mode of modes) {
    const r = await scenario(mode);
    const sum = (f: (x: Round) => number) => r.reduce((n, x) => n + f(x), 0);
    const total = { tokens: sum((x) => x.inputTokens), cost: sum((x) => x.costUsd), ms: sum((x) => x.ms) };
    cold ??= total;
    const vs = (a: number, b: number) => (a === b ? '' : ` (${a > b ? '+' : ''}${Math.round(((a - b) / b) * 100)}%)`);
    rows.push(`| ${mode} | ${r.map((x) => x.inputTokens).join(' / ')} | ${total.tokens}${vs(total.tokens, cold.tokens)} | ${sum((x) => x.requests)} | ${r.map((x) => x.costUsd.toFixed(4)).join(' / ')} | ${total.cost.toFixed(4)}${vs(total.cost, cold.cost)} | ${r.map((x) => Math.round(x.ms)).join(' / ')} | ${Math.round(total.ms)} |`);
  }
  console.log(`Fix loop of ${rounds} rounds, claude ${(await execa(join(BIN_DIR, 'claude'), ['--version'])).stdout.trim()} offline\n`);
  console.log('| mode | input tokens per round | input tokens | requests | cost USD per round | cost USD | ms per round | ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
