import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { COMMAND_NICENESS, lowerPriority } from '../../../src/activities/process/priority';
import { runSupervised } from '../../../src/activities/process/supervised-process';
import { git } from '../../../src/activities/workspace/git';

// The run log is not what this is about: its writes go nowhere.
const pool = { query: async () => ({ rows: [] }) } as never;
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('commands run below the orchestration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'issueflow-priority-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('lowerPriority sets a running process\'s niceness; one gone already is left alone', async () => {
    expect(getPriority()).toBeLessThan(COMMAND_NICENESS);
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      lowerPriority(child.pid);
      expect(getPriority(child.pid)).toBe(COMMAND_NICENESS);
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    expect(() => lowerPriority(child.pid)).not.toThrow();
    expect(() => lowerPriority(undefined)).not.toThrow();
  });

  test('a supervised run (the agent, the tests) and what it starts run at COMMAND_NICENESS', async () => {
    // `nice` without arguments prints its own niceness: a grandchild started after a moment.
    const run = await runSupervised({ file: 'sh', args: ['-c', 'sleep 0.2; nice'], cwd: dir, env, hardTimeoutMs: 10_000, log: { pool, workflowId: 'w', step: 's', secrets: [] } });
    expect(run.exitCode).toBe(0);
    expect(run.tail.trim()).toBe(String(COMMAND_NICENESS));
  });

  test('git runs at COMMAND_NICENESS', async () => {
    const config = loadConfig({ ISSUEFLOW_DATA_DIR: dir });
    await git(['init', '-q'], { cwd: dir, config });
    // An alias's shell reads git's own niceness (field 19 of /proc/<git>/stat) after a moment. Not its own: git
    // may start it before the worker lowered git's priority (a loaded machine), and it would then run at 0.
    const { stdout } = await git(['-c', "alias.niceness=!sleep 0.2; cut -d' ' -f19 /proc/$PPID/stat", 'niceness'], { cwd: dir, config, env });
    expect(stdout).toBe(String(COMMAND_NICENESS));
  });
});
