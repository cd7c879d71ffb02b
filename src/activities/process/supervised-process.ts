import { readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { Pool } from 'pg';
import type { Logger } from '../../logger';
import { createRunLog } from '../run-log';
import { OutputTracker } from './output-tracker';
import { lowerPriority } from './priority';

export { lastLines } from './output-tracker';

export interface SupervisedOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdinFile?: string;
  log: { pool: Pool; workflowId: string; step: string; secrets: readonly string[]; logger?: Logger };
  hardTimeoutMs: number;
  /** Kill when no output arrives for this long. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called as output arrives, at most once a second. */
  onProgress?: (p: { bytes: number; lastLine: string }) => void;
  killGraceMs?: number;
  tailChars?: number;
  /** The last complete line for which this returns true is kept (e.g. the stream-json result line). */
  keepLine?: (line: string) => boolean;
  /** Sees every complete line of output (both streams), as it arrives. */
  onLine?: (line: string) => void;
}

export interface SupervisedResult {
  ended: 'exit' | 'hard-timeout' | 'idle-timeout' | 'cancelled';
  exitCode: number | null;
  signal?: string;
  /** The spawn error code, e.g. ENOENT when the binary is missing. */
  spawnError?: string;
  tail: string;
  bytes: number;
  keptLine?: string;
  durationMs: number;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

/**
 * Whether a process of group `pgid` still runs. A zombie runs nothing and holds no file: it only waits for
 * its reaper, and where PID 1 is slow to reap (a container's init), a sandbox's exited bwrap lingers as one
 * for a second or more. Read from /proc; where that cannot be read, any member counts.
 */
export function groupRunning(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return false; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields are read after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
  });
}

/** Resolves once no process of the group runs, or after `ms` (a member that left the group is not waited for). */
async function groupGone(pid: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && groupRunning(pid)) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Runs a command in its own process group and supervises it: full output into the run log, a
 * bounded tail in memory, idle and hard time-outs and cancellation that kill the whole group.
 * It returns only once the group is dead, so that what follows (a commit, a push) never races it.
 */
export async function runSupervised(o: SupervisedOptions): Promise<SupervisedResult> {
  const started = Date.now();
  const tailChars = o.tailChars ?? 64 * 1024;
  const grace = o.killGraceMs ?? 1000;
  let ended: SupervisedResult['ended'] = 'exit';
  const out = new OutputTracker(tailChars, o.keepLine, o.onLine);
  let lastProgressAt = 0;
  const timers: NodeJS.Timeout[] = [];

  const child = execa(o.file, o.args, {
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    detached: true,
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    stdin: o.stdinFile ? { file: o.stdinFile } : 'ignore',
  });
  const pid = child.pid;
  lowerPriority(pid);

  let terminating = false;
  let exited = false;
  const terminate = (why: SupervisedResult['ended']) => {
    // Once the command itself has exited, its exit code is the outcome, whatever fires while pipes drain.
    if (why !== 'exit' && ended === 'exit' && !exited) ended = why;
    if (terminating || pid === undefined) return;
    terminating = true;
    killGroup(pid, 'SIGTERM');
    // Not cleared when the run ends: a member that closed its pipes but ignores SIGTERM still dies.
    setTimeout(() => killGroup(pid, 'SIGKILL'), grace).unref();
  };
  // Leftover children (a dev server, a hung grandchild) must not outlive the run or hold its pipes open.
  child.once('exit', () => {
    exited = true;
    terminate('exit');
  });

  const progress = () => {
    const now = Date.now();
    if (!o.onProgress || now - lastProgressAt < 1000) return;
    lastProgressAt = now;
    o.onProgress({ bytes: out.bytes, lastLine: out.lastLine.slice(0, 500) });
  };

  const onText = (text: string) => {
    out.push(text);
    progress();
  };

  const consume = async (stream: Readable | null, name: 'stdout' | 'stderr') => {
    if (!stream) return;
    const log = createRunLog({ ...o.log, stream: name });
    const decoder = new StringDecoder('utf8');
    try {
      for await (const chunk of stream) {
        const text = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
        onText(text);
        await log.write(text);
      }
      const rest = decoder.end();
      if (rest) onText(rest);
      await log.write(rest);
    } catch {
      // A stream destroyed by a failed spawn has nothing more to give.
    } finally {
      await log.close();
    }
  };

  if (pid !== undefined) {
    timers.push(setTimeout(() => terminate('hard-timeout'), o.hardTimeoutMs));
    if (o.idleTimeoutMs) {
      const idle = o.idleTimeoutMs;
      const every = Math.min(1000, Math.max(50, idle / 4));
      timers.push(setInterval(() => Date.now() - out.lastOutputAt >= idle && terminate('idle-timeout'), every));
    }
  }
  const onAbort = () => terminate('cancelled');
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort);

  try {
    const [result] = await Promise.all([child, consume(child.stdout, 'stdout'), consume(child.stderr, 'stderr')]);
    out.end();
    // The SIGKILL follows the SIGTERM after `grace`; a sandbox's PID namespace is torn down just after.
    if (pid !== undefined) await groupGone(pid, grace + 1000);
    const spawnError = pid === undefined ? String((result as { code?: string }).code ?? 'SPAWN_FAILED') : undefined;
    return {
      ended,
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? undefined,
      spawnError,
      tail: out.tail,
      bytes: out.bytes,
      keptLine: out.keptLine,
      durationMs: Date.now() - started,
    };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    for (const t of timers) clearTimeout(t);
  }
}
