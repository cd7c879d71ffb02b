import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { CancelledFailure } from '@temporalio/common';
import { loadConfig } from '../../../src/config';
import { createWorkspaceActivities, worktreePath } from '../../../src/activities/workspace';
import { readRunLog } from '../../../src/activities/run-log';
import { createBareRepo, type TestRepo } from '../../support/git-repos';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { activityEnv } from '../../support/scripted-agent/fixture';

const ref = { owner: 'acme', repo: 'tiny', issueNumber: 5 };
const branch = 'issueflow/issue-5';
const base = { workflowId: 'acme/tiny#5', ref, branch, step: 'test-1', timeoutMinutes: 1 };

describe('runTests in the worktree', () => {
  let db: TestDatabase;
  let repo: TestRepo;
  let dataDir: string;
  let ws: ReturnType<typeof createWorkspaceActivities>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const setup = async (passing: boolean) => {
    repo = createBareRepo({ passing });
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-data-'));
    const config = loadConfig({ ISSUEFLOW_DATA_DIR: dataDir, GIT_CLONE_URL: repo.cloneUrlTemplate, AGENT_ENV: 'MY_TEST_FLAG' });
    const env = { ...process.env, GITHUB_TOKEN: 'ghs_should_not_be_seen_123', DATABASE_URL: 'postgres://u:p@h/db', MY_TEST_FLAG: 'on' };
    ws = createWorkspaceActivities({ config, pool: db.pool, logger: pino({ level: 'silent' }), env, killGraceMs: 200 });
    await ws.prepareWorkspace({ ref, branch });
  };
  afterEach(() => {
    repo.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a passing suite passes and its full output is in the run log', async () => {
    await setup(true);
    const r = await activityEnv().run(ws.runTests, { ...base, setupCommand: 'echo setting up', testCommand: 'npm test' });
    expect(r).toMatchObject({ passed: true, exitCode: 0, timedOut: false });
    expect(r.outputTail).toContain('all tests passed');
    const stored = (await readRunLog(db.pool, 'acme/tiny#5', 'test-1')).map((row) => row.chunk).join('');
    expect(stored).toContain('$ echo setting up');
    expect(stored).toContain('$ npm test');
    expect(stored).toContain('all tests passed');
  });

  test('a failing suite reports its exit code and the assertion', async () => {
    await setup(false);
    const r = await activityEnv().run(ws.runTests, { ...base, step: 'test-2', testCommand: 'node test.js' });
    expect(r).toMatchObject({ passed: false, exitCode: 1, timedOut: false });
    expect(r.outputTail).toMatch(/AssertionError/);
  });

  test('a failing set-up stops before the tests', async () => {
    await setup(true);
    const r = await activityEnv().run(ws.runTests, { ...base, setupCommand: 'exit 3', testCommand: 'touch ran-tests' });
    expect(r).toMatchObject({ passed: false, exitCode: 3 });
  });

  test('commands get the minimal environment: AGENT_ENV names yes, secrets no', async () => {
    await setup(true);
    const r = await activityEnv().run(ws.runTests, { ...base, testCommand: 'env' });
    expect(r.outputTail).toContain('MY_TEST_FLAG=on');
    expect(r.outputTail).toContain('CI=true');
    expect(r.outputTail).not.toMatch(/GITHUB_TOKEN|DATABASE_URL|ghs_should_not/);
  });

  test('a hanging suite times out and its whole process group is killed', async () => {
    await setup(true);
    // Found by a marker in its command line, not a pid: a sandbox has pids of its own.
    const marker = `issueflow-hanging-suite-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const running = activityEnv().run(ws.runTests, {
      ...base,
      timeoutMinutes: 0.02,
      testCommand: `sh -c 'trap "" TERM; sleep 60; : ${marker}' & sleep 60`,
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(processesWith(marker)).toBeGreaterThan(0);
    const r = await running;
    expect(r).toMatchObject({ passed: false, timedOut: true, exitCode: null });
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(processesWith(marker)).toBe(0);
  });

  test('cancellation stops the tests', async () => {
    await setup(true);
    writeFileSync(join(worktreePath(dataDir, ref), 'x'), '');
    const { env, run } = activityEnv();
    setTimeout(() => env.cancel(), 300);
    const started = Date.now();
    await expect(run(ws.runTests, { ...base, testCommand: 'sleep 60' })).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

/** How many processes of the machine have `marker` in their command line (pgrep never counts itself). */
function processesWith(marker: string): number {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').length;
  } catch {
    return 0;
  }
}
