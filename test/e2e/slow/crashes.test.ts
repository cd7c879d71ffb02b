import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REPO_CONFIG, issueForm, startE2E, type E2E, type E2EIssue } from '../harness';
import { installPushHook } from '../harness/push-hook';

jest.setTimeout(600_000);

const FIX = 'agent: replace math.js a - b => a + b';
/** Long enough to be caught; a pause happens once (flag file), so the retry after the crash runs straight through. */
const PAUSE_MS = 120_000;
const END_MS = 330_000;

/**
 * The repo's test command: `.pause-tests` (written by an issue's agent) names a flag file; the first run that
 * finds no flag writes it and waits, so the suite can kill the worker while the tests run.
 */
const TEST_SCRIPT = [
  'if [ -f .pause-tests ]; then f="$(cat .pause-tests)"; if [ ! -f "$f" ]; then echo $$ > "$f"; sleep ' + PAUSE_MS / 1000 + '; fi; fi',
  'exec npm test',
  '',
].join('\n');

/**
 * The worker is SIGKILLed during each step (parse, the plan run, the implement run, tests, push, PR
 * creation), Temporal and PostgreSQL are restarted mid-run, and an answer arrives while the worker is
 * down: every issue still gets exactly one PR and `agent:completed`, with no comment written twice.
 */
describe('e2e slow: crashes', () => {
  let e2e: E2E;
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-crashes-'));
  const kills: string[] = [];
  const restarts: string[] = [];
  let duplicates = -1;
  let outcome = 'did not finish';
  const flag = (name: string) => join(dir, name);

  beforeAll(async () => {
    e2e = await startE2E({
      echoOwnWrites: true,
      temporal: 'own-sqlite',
      postgres: 'own',
      files: { 'e2e-tests.sh': TEST_SCRIPT },
      // Two runs wait in their pause; the others still need agent slots. The sandboxed agents and tests
      // write their flag files into `dir`, which the suite watches.
      env: { AGENT_CONCURRENCY: '4', SANDBOX_WRITABLE: dir },
      repoConfig: DEFAULT_REPO_CONFIG.replace('testCommand: npm test', 'testCommand: sh e2e-tests.sh').replace('agentMinutes: 2', 'agentMinutes: 4').replace('testMinutes: 1', 'testMinutes: 4'),
    });
    installPushHook(e2e.bare.bareDir, dir, PAUSE_MS);
  });

  afterEach(() => {
    e2e.standin.assertNoViolations();
  });

  afterAll(async () => {
    const took = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `[e2e] crashes: ${e2e?.counts().issues ?? 0} issues, ${kills.length} worker kills (${kills.join(', ')}), ${restarts.length} restarts (${restarts.join(', ')}), 0 faults injected, ${duplicates} duplicates found; ${outcome} in ${took}s`,
    );
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Kills the worker's process group now (from a stand-in hook: before the request is answered, or right after). */
  function killNow(step: string): void {
    kills.push(step);
    void e2e.killWorker('SIGKILL');
  }

  const tagged = (n: number, tag: string) => {
    try {
      return e2e.standin.issue(e2e.repo, n).title.includes(tag);
    } catch {
      return false;
    }
  };

  test('SIGKILL during each step, Temporal and PostgreSQL restarted, an answer while the worker is down: every issue ends with one PR', async () => {
    const form = (extra: string, criteria = ['`npm test` passes']) =>
      issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', acceptanceCriteria: criteria, relevantFiles: ['math.js'], context: `${FIX}\n${extra}` });

    // 1. parse: killed while the worker reads the issue (the request is never answered).
    let parseArmed = true;
    e2e.standin.beforeHandle((r) => {
      const n = Number(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(r.path)?.[1]);
      if (parseArmed && r.method === 'GET' && n && tagged(n, '[crash:parse]')) {
        parseArmed = false;
        killNow('parse');
      }
    });
    const parse = await e2e.openIssue({ title: 'Fix add [crash:parse]', body: form('agent: say parse') });
    await e2e.waitFor('the kill during parse', () => kills.includes('parse'));
    await e2e.restartWorker();

    // 2. plan run, implement run, tests and push, all caught at once in one kill; an answer arrives while it is down.
    const plan = await e2e.openIssue({ title: 'Fix add [plan]', body: form(`agent: pause plan ${PAUSE_MS} ${flag('plan.flag')}`) });
    const impl = await e2e.openIssue({ title: 'Fix add [implement]', body: form(`agent: pause implement ${PAUSE_MS} ${flag('implement.flag')}`) });
    const tests = await e2e.openIssue({ title: 'Fix add [tests]', body: form(`agent: write .pause-tests ${flag('tests.flag')}`) });
    const push = await e2e.openIssue({ title: 'Fix add [push]', body: form('agent: say push', []) });
    writeFileSync(flag(`push-${push.number}.want`), '');
    await e2e.waitForComment(push, 'question', 90_000);
    await e2e.waitForState(push, 'awaiting-feedback');
    const paused = ['plan.flag', 'implement.flag', 'tests.flag'];
    await e2e.waitFor(`plan, implement and tests in progress (flags: ${paused.join(', ')})`, () => paused.every((f) => existsSync(flag(f))), 120_000).catch((error: Error) => {
      throw new Error(`${error.message.split('\n')[0]} present: ${paused.filter((f) => existsSync(flag(f))).join(', ')}\n${error.message}`);
    });
    await e2e.crashWorker(async () => {
      kills.push('plan+implement+tests');
      // The answer to the push issue's question arrives while no worker runs.
      await e2e.comment(push, 'alice', '### Acceptance criteria\n\n- `npm test` passes');
    });
    restarts.push('worker');
    await e2e.waitFor('the push in progress', () => existsSync(flag(`push-${push.number}.flag`)), 120_000);
    await e2e.crashWorker();
    kills.push('push');
    restarts.push('worker');

    // 3. PR creation: killed right after the stand-in created the PR, before the worker read the answer.
    let prArmed = true;
    e2e.standin.afterHandle((r, body) => {
      const head = (body as { head?: { ref?: string } } | undefined)?.head?.ref ?? '';
      const n = Number(/^issueflow\/issue-(\d+)$/.exec(head)?.[1]);
      if (prArmed && r.method === 'POST' && r.operationId === 'pulls/create' && r.status === 201 && n && tagged(n, '[crash:pr]')) {
        prArmed = false;
        killNow('pr');
      }
    });
    const pr = await e2e.openIssue({ title: 'Fix add [crash:pr]', body: form('agent: say pr') });
    await e2e.waitFor('the kill during PR creation', () => kills.includes('pr'), 120_000);
    await e2e.restartWorker();
    restarts.push('worker');

    // 4. Temporal restarted while runs wait for their lost activities' time-outs, then PostgreSQL.
    await e2e.restartTemporal();
    restarts.push('temporal');
    await e2e.restartPostgres();
    restarts.push('postgres');

    const issues: E2EIssue[] = [parse, plan, impl, tests, push, pr];
    for (const issue of issues) {
      await e2e.waitForState(issue, 'completed', END_MS - (Date.now() - startedAt) + 60_000);
      await e2e.waitForLabel(issue, 'agent:completed');
      await e2e.waitForComment(issue, 'summary');
    }

    // Every issue: one PR with the fix, agent:completed, no comment twice (by marker key), no PR twice.
    let dup = 0;
    for (const issue of issues) {
      const prs = e2e.pullRequests().filter((p) => p.head === `issueflow/issue-${issue.number}`);
      expect(prs).toHaveLength(1);
      expect(e2e.branchFiles(prs[0].head)['math.js']).toBe('exports.add = (a, b) => a + b;');
      expect(e2e.labels(issue)).toContain('agent:completed');
      const keys = e2e.comments(issue).filter((c) => c.author === 'issueflow-bot').map((c) => c.key ?? '(no marker)');
      const counts = new Map<string, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      for (const [key, n] of counts) {
        if (n > 1) console.log(`duplicate ${key} x${n} on ${issue.workflowId}`);
        dup += n - 1;
      }
      expect(Object.fromEntries([...counts].filter(([, n]) => n > 1))).toEqual({});
    }
    duplicates = dup;
    expect(e2e.commentsByKind(push).question).toHaveLength(1);
    expect(kills).toEqual(expect.arrayContaining(['parse', 'plan+implement+tests', 'push', 'pr']));

    for (const issue of issues) await e2e.mergePullRequest(e2e.pullRequestOf(issue)!);
    for (const issue of issues) expect(await e2e.waitForEnd(issue, 60_000)).toMatchObject({ state: 'completed', outcome: 'merged' });
    outcome = `all ${issues.length} issues completed with one PR each, merged`;
  });
});
