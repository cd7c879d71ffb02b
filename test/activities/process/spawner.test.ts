import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, stopCommandHelper } from '../../../src/activities/process/spawner';

const PATH = process.env.PATH ?? '/usr/bin:/bin';

describe('commands started by the helper process', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'issueflow-spawner-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => stopCommandHelper());

  test('a command runs in its directory with exactly the environment it was given, and its output and exit code come back', async () => {
    process.env.ISSUEFLOW_TEST_WORKER_ONLY = 'not for commands';
    try {
      const r = await runCommand({ file: 'sh', args: ['-c', 'pwd; echo "given=$GIVEN worker=$ISSUEFLOW_TEST_WORKER_ONLY"; echo oops >&2; exit 3'], cwd: dir, env: { PATH, GIVEN: 'yes' }, timeoutMs: 10_000 });
      expect(r).toMatchObject({ exitCode: 3, stdout: `${dir}\ngiven=yes worker=\n`, stderr: 'oops\n', timedOut: false });
    } finally {
      delete process.env.ISSUEFLOW_TEST_WORKER_ONLY;
    }
  });

  test('the command is a child of the helper, not of the worker (whose fork would hold its event loop)', async () => {
    const r = await runCommand({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: dir, env: { PATH }, timeoutMs: 10_000 });
    const parent = Number(r.stdout.trim());
    expect(parent).toBeGreaterThan(0);
    expect(parent).not.toBe(process.pid);
  });

  test('a command not on PATH answers ENOENT; one past its time-out is killed and says so', async () => {
    const missing = await runCommand({ file: 'no-such-command-here', args: [], cwd: dir, env: { PATH }, timeoutMs: 10_000 });
    expect(missing.code).toBe('ENOENT');
    expect(missing.exitCode).toBeUndefined();
    const slow = await runCommand({ file: 'sleep', args: ['20'], cwd: dir, env: { PATH }, timeoutMs: 200 });
    expect(slow).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(slow.exitCode).toBeUndefined();
  });

  test('commands run side by side; a helper that dies fails the commands it was running, and the next command starts a new one', async () => {
    const both = await Promise.all(['a', 'b'].map((x) => runCommand({ file: 'sh', args: ['-c', `sleep 0.2; echo ${x}`], cwd: dir, env: { PATH }, timeoutMs: 10_000 })));
    expect(both.map((r) => r.stdout)).toEqual(['a\n', 'b\n']);

    const first = await runCommand({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: dir, env: { PATH }, timeoutMs: 10_000 });
    const helperPid = Number(first.stdout.trim());
    const running = runCommand({ file: 'sleep', args: ['20'], cwd: dir, env: { PATH }, timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(helperPid, 'SIGKILL');
    await expect(running).rejects.toThrow(/the command helper exited \(SIGKILL\) before the command ended/);

    const after = await runCommand({ file: 'sh', args: ['-c', 'echo $PPID'], cwd: dir, env: { PATH }, timeoutMs: 10_000 });
    expect(after.exitCode).toBe(0);
    expect(Number(after.stdout.trim())).not.toBe(helperPid);
  });
});
