import { spawn, type ChildProcess } from 'node:child_process';
import { COMMAND_NICENESS } from './priority';

/** A short command to run to its end, its output collected (git's calls). */
export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  /** The command's whole environment: nothing of the worker's own is added. */
  env: Record<string, string>;
  timeoutMs: number;
}

export interface SpawnResult {
  /** Undefined when it was killed (a time-out) or never started (`code`). */
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not start: `ENOENT` for a command not on PATH. */
  code?: string;
}

/** More output than this (per stream) is a runaway command: it is killed and reported, as execa's maxBuffer does. */
const MAX_OUTPUT = 100 * 1024 * 1024;
/** A command that outlived its time-out and SIGTERM is killed this long after. */
const KILL_AFTER_MS = 5_000;

// Runs in a small node process of its own (see `runCommand`). Plain CommonJS, as bundleWorkflowsApart's bundler is.
const HELPER = `
const { spawn } = require('node:child_process');
const { setPriority } = require('node:os');
const [niceness, maxOutput, killAfterMs] = process.argv.slice(1).map(Number);
const running = new Set();
process.on('message', ({ id, file, args, cwd, env, timeoutMs }) => {
  let done = false;
  let child;
  let timer;
  const reply = (r) => { if (!done) { done = true; running.delete(child); clearTimeout(timer); process.send({ id, ...r }); } };
  const out = { stdout: [], stderr: [], size: { stdout: 0, stderr: 0 } };
  let timedOut = false;
  let overflow = false;
  try {
    child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return reply({ code: e.code, stdout: '', stderr: String(e.message), timedOut: false });
  }
  running.add(child);
  if (child.pid !== undefined) try { setPriority(child.pid, niceness); } catch {}
  timer = setTimeout(() => { timedOut = true; child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref(); }, timeoutMs);
  for (const name of ['stdout', 'stderr']) child[name].on('data', (d) => {
    out.size[name] += d.length;
    if (out.size[name] <= maxOutput) out[name].push(d);
    else if (!overflow) { overflow = true; child.kill('SIGKILL'); }
  });
  const text = (name) => Buffer.concat(out[name]).toString('utf8') + (overflow ? '\\n[output over ' + maxOutput + ' bytes: killed]' : '');
  child.on('error', (e) => { if (child.pid === undefined) reply({ code: e.code, stdout: '', stderr: String(e.message), timedOut: false }); });
  child.on('close', (code, signal) => reply({ exitCode: code ?? undefined, signal: signal ?? undefined, stdout: text('stdout'), stderr: text('stderr'), timedOut }));
});
// The worker is gone: so are its commands.
process.on('disconnect', () => { for (const c of running) c.kill('SIGKILL'); process.exit(0); });
`;

interface Helper {
  child: ChildProcess;
  pending: Map<number, { resolve: (r: SpawnResult) => void; reject: (e: Error) => void }>;
}

let helper: Helper | undefined;
let nextId = 0;

/**
 * A fork copies the page tables of the process that forks, so spawning from the worker (a few hundred MB)
 * held its event loop 16 ms a command on this machine (1 ms from a 45 MB process), and a busy worker
 * spawns git dozens of times a second: workflow tasks and GitHub writes waited behind it. The commands are
 * started instead by a small helper process, started once; the worker only passes messages.
 */
function startHelper(): Helper {
  const child = spawn(process.execPath, ['-e', HELPER, String(COMMAND_NICENESS), String(MAX_OUTPUT), String(KILL_AFTER_MS)], {
    // Only what node needs: each command brings its whole environment in its request.
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const h: Helper = { child, pending: new Map() };
  child.on('message', (m: SpawnResult & { id: number }) => {
    const waiting = h.pending.get(m.id);
    h.pending.delete(m.id);
    idle(h);
    const { id: _, ...result } = m;
    waiting?.resolve(result);
  });
  const lost = (why: string) => {
    if (helper === h) helper = undefined;
    for (const w of h.pending.values()) w.reject(new Error(`the command helper ${why} before the command ended`));
    h.pending.clear();
  };
  child.on('exit', (code, signal) => lost(`exited (${signal ?? code})`));
  child.on('error', (e) => lost(`failed (${e.message})`));
  return h;
}

/** The helper keeps the worker alive only while it runs a command. */
function idle(h: Helper): void {
  if (h.pending.size > 0) return;
  h.child.unref();
  h.child.channel?.unref();
}

/**
 * Runs a command to its end in the helper process (started on first use, again if it died) and returns
 * its output. A helper that dies mid-command rejects it: git's callers retry as for any failed command.
 */
export function runCommand(request: SpawnRequest): Promise<SpawnResult> {
  const h = (helper ??= startHelper());
  const id = nextId++;
  return new Promise<SpawnResult>((resolve, reject) => {
    h.pending.set(id, { resolve, reject });
    h.child.ref();
    h.child.channel?.ref();
    h.child.send({ id, ...request }, (error) => {
      if (!error) return;
      h.pending.delete(id);
      idle(h);
      reject(error);
    });
  });
}

/** Stops the helper (tests; a worker's exit stops it by itself). */
export function stopCommandHelper(): void {
  helper?.child.kill();
  helper = undefined;
}
