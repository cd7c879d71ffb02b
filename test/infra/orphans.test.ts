import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILDREN_FILE, recordChildren, stopOrphans } from '../../src/infra/orphans';
import { readProcess, type ProcessInfo } from '../../src/infra/processes';

/** What a killed `issueflow start` leaves: its children, still running, and the file that names them. */
describe('orphans of a killed start', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  const logged: string[] = [];
  const log = { warn: (_obj: object, msg: string) => void logged.push(msg) };

  /** A process whose command line names the data dir, as the dev server and postgres do. */
  async function child(): Promise<ProcessInfo> {
    const c = spawn('sh', ['-c', `sleep 600 # ${dataDir}`], { stdio: 'ignore' });
    children.push(c);
    // Until the exec, /proc shows the forked node's command line.
    for (;;) {
      const p = readProcess(c.pid!);
      if (p?.command.includes(dataDir)) return p;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const alive = (p: ProcessInfo) => readProcess(p.pid)?.startTime === p.startTime;
  const write = (owner: ProcessInfo, list: ProcessInfo[]) => writeFileSync(join(dataDir, CHILDREN_FILE), JSON.stringify({ owner, children: list }));
  /** An owner that is gone: the pid of an exited process. */
  async function deadOwner(): Promise<ProcessInfo> {
    const c = spawn('true');
    const info = readProcess(c.pid!) ?? { pid: c.pid!, ppid: process.pid, startTime: '1', command: 'true' };
    await new Promise((r) => c.on('exit', r));
    return info;
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-orphans-'));
    logged.length = 0;
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('records its own children that name the data dir, and only those', async () => {
    const mine = await child();
    const other = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(other);
    recordChildren(dataDir);
    const file = JSON.parse(readFileSync(join(dataDir, CHILDREN_FILE), 'utf8'));
    expect(file.owner).toMatchObject({ pid: process.pid, startTime: readProcess(process.pid)!.startTime });
    expect(file.children.map((c: ProcessInfo) => c.pid)).toEqual([mine.pid]);
  });

  test('the next start stops those still running, logs each, and forgets the file', async () => {
    const a = await child();
    const b = await child();
    write(await deadOwner(), [a, b]);
    const stopped = await stopOrphans(dataDir, log);
    expect(stopped.map((p) => p.pid).sort()).toEqual([a.pid, b.pid].sort());
    expect(alive(a) || alive(b)).toBe(false);
    expect(logged).toEqual(expect.arrayContaining([expect.stringContaining(`stopping pid ${a.pid}`), expect.stringContaining(`stopping pid ${b.pid}`)]));
    expect(existsSync(join(dataDir, CHILDREN_FILE))).toBe(false);
  });

  test('a pid now used by another process (other start time or command) is left alone', async () => {
    const reused = await child();
    write(await deadOwner(), [
      { ...reused, startTime: String(Number(reused.startTime) - 100) },
      { ...reused, command: 'postgres -D /elsewhere' },
    ]);
    expect(await stopOrphans(dataDir, log)).toEqual([]);
    expect(alive(reused)).toBe(true);
    expect(logged).toEqual([]);
  });

  test('while the start that recorded them still runs, they are not orphans: the start is refused', async () => {
    const running = await child(); // stands in for the other `issueflow start`
    const itsChild = await child();
    write(running, [itsChild]);
    await expect(stopOrphans(dataDir, log)).rejects.toThrow(`another issueflow (pid ${running.pid}) is running on`);
    expect(alive(itsChild)).toBe(true);
  });
});
