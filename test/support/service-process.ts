import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LOCK = join(ROOT, 'dist', '.build-lock');

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compiles src/ to dist/ unless dist/ is newer than every source, so tests can run the real `issueflow`
 * CLI as a user would. Jest runs test files in parallel: a lock directory keeps two compilers from
 * writing dist/ at once (a CLI started meanwhile could load a half-written file).
 */
export function buildOnce(): void {
  const started = Date.now();
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is compiling; a lock older than 5 minutes was left by a killed run.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() - started > 600_000) throw new Error(`${LOCK} stayed locked for 10 minutes: remove it if no test run is compiling.`);
      sleepSync(250);
    }
  }
  try {
    // What `npm start`'s prestart does: compile when src/ changed, and bundle the workflows, so a worker the
    // suites start takes the bundle instead of running webpack itself (three at once took over 90 s here).
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `node dist/cli/main.js <args>` in its own process group, as a terminal would (in `cwd`, by default the repository). */
export function spawnIssueflow(args: string[], env: Record<string, string>, cwd = ROOT): ServiceProcess {
  return spawnInGroup(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], env, cwd);
}

/**
 * Runs `npm start` as a user would, in its own process group. `--ignore-scripts` skips only the
 * prestart build (buildOnce did it); npm runs and signals the start script the same way.
 */
export function spawnNpmStart(env: Record<string, string>): ServiceProcess {
  return spawnInGroup('npm', ['start', '--ignore-scripts'], env, ROOT);
}

/** `command` in a process group of its own with only PATH, HOME and `env`, its output collected. */
function spawnInGroup(command: string, args: string[], env: Record<string, string>, cwd: string): ServiceProcess {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Processes whose command line mentions `needle` (e.g. a data dir), from /proc. */
export function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `url` until it answers `status`, or throws with the service output after `timeoutMs`. */
export async function waitForStatus(url: string, status: number, timeoutMs: number, output: () => string): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === status) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms. Output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
