import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childrenOf, readProcess, type ProcessInfo } from './processes';

/**
 * The embedded Temporal dev server and PostgreSQL are children of `issueflow start`; a SIGKILLed start
 * cannot stop them. It records them here, and the next start stops those still running.
 */
export const CHILDREN_FILE = 'issueflow-children.json';

interface ChildrenFile {
  owner: ProcessInfo;
  children: ProcessInfo[];
}

type Log = { warn(obj: object, msg: string): void };

const fileIn = (dataDir: string) => join(resolve(dataDir), CHILDREN_FILE);

/** Same pid, same start time, same command: the very process recorded, not a later one that got its pid. */
const stillRunning = (p: ProcessInfo) => {
  const now = readProcess(p.pid);
  return now !== undefined && now.startTime === p.startTime && now.command === p.command;
};

function read(dataDir: string): ChildrenFile | undefined {
  try {
    return JSON.parse(readFileSync(fileIn(dataDir), 'utf8')) as ChildrenFile;
  } catch {
    return undefined;
  }
}

/** Records this process's children that live in `dataDir` (their command lines name it). */
export function recordChildren(dataDir: string): void {
  const owner = readProcess(process.pid);
  if (!owner) return; // no /proc: nothing to record, nothing the next start could check
  const children = childrenOf(process.pid, resolve(dataDir));
  writeFileSync(fileIn(dataDir), `${JSON.stringify({ owner, children } satisfies ChildrenFile, null, 2)}\n`);
}

/** After a clean stop there is nothing left to find. */
export function forgetChildren(dataDir: string): void {
  rmSync(fileIn(dataDir), { force: true });
}

/**
 * Stops what an earlier start in `dataDir` left running (SIGTERM, SIGKILL after `graceMs`) and returns
 * what it stopped. Refuses while that start itself still runs: its children are not orphans.
 */
export async function stopOrphans(dataDir: string, log: Log, graceMs = 10_000): Promise<ProcessInfo[]> {
  const file = read(dataDir);
  if (!file) return [];
  if (file.owner.pid !== process.pid && stillRunning(file.owner)) {
    throw new Error(`another issueflow (pid ${file.owner.pid}) is running on ${resolve(dataDir)}: stop it first, or set ISSUEFLOW_DATA_DIR to another directory.`);
  }
  const orphans = file.children.filter(stillRunning);
  for (const p of orphans) {
    log.warn({ pid: p.pid, command: p.command.slice(0, 200) }, `stopping pid ${p.pid}, left running by an issueflow start that did not stop (pid ${file.owner.pid})`);
    signal(p.pid, 'SIGTERM');
  }
  const until = Date.now() + graceMs;
  while (orphans.some(stillRunning) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  for (const p of orphans.filter(stillRunning)) signal(p.pid, 'SIGKILL');
  while (orphans.some(stillRunning) && Date.now() < until + 5_000) await new Promise((r) => setTimeout(r, 100));
  forgetChildren(dataDir);
  return orphans;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}
