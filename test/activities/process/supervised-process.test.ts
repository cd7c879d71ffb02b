import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { groupRunning } from '../../../src/activities/process/supervised-process';

const stateOf = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
};

async function until(what: string, ok: () => boolean): Promise<void> {
  for (const started = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - started > 5000) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('groupRunning', () => {
  test('a group with a live member runs; killed, it does not', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await once(child, 'spawn');
    const pgid = child.pid!;
    expect(groupRunning(pgid)).toBe(true);
    process.kill(-pgid, 'SIGKILL');
    await until('the group to end', () => !groupRunning(pgid));
  });

  test('a group whose only member is a zombie does not run, though a signal still finds the group', async () => {
    // The parent (another group) forks a child that leads a group of its own and exits; the parent never reaps it.
    const script = 'import os, time\npid = os.fork()\nif pid == 0:\n    os.setpgid(0, 0)\n    os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)\n';
    const parent = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      await until('the child to be a zombie in its own group', () => stateOf(zombie) === 'Z' && Number(readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1].split(' ')[2]) === zombie);
      expect(() => process.kill(-zombie, 0)).not.toThrow();
      expect(groupRunning(zombie)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
