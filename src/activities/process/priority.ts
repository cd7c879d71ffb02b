import { setPriority } from 'node:os';

/**
 * The niceness of the commands a worker runs (git, the agent, the repo's tests). They are batch work: below
 * the orchestration (webhook acks, workflow tasks, GitHub writes) on a busy machine, so 20 issues cloning
 * and testing at once do not hold back the next issue's first reaction; on an idle one they lose nothing.
 */
export const COMMAND_NICENESS = 10;

/**
 * Lowers a just-spawned command's CPU priority; what it starts from then on inherits it. A process that is
 * gone already, or a system that refuses, leaves it at the normal priority.
 */
export function lowerPriority(pid: number | undefined, niceness = COMMAND_NICENESS): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, niceness);
  } catch {
    // exited already, or not allowed here: it runs as it is
  }
}
