import { Context } from '@temporalio/activity';

/**
 * How often a long activity heartbeats, whatever it prints. A cancellation reaches an activity only in
 * a heartbeat's response (so this, plus the kill's grace, bounds how long a cancelled agent lives), and
 * a lost worker is noticed only by missing heartbeats; the worker's heartbeat throttle
 * (src/worker/workers.ts) is no longer than this.
 */
export const HEARTBEAT_EVERY_MS = 500;

/** The running activity's context; undefined outside an activity (a script, a unit test). */
function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` heartbeating every HEARTBEAT_EVERY_MS until it settles: waits for a lock, a silent agent or a long
 * clone included. `progress` heartbeats its details at once and repeats them on the timer.
 */
export async function heartbeating<T>(fn: (progress: (details: unknown) => void) => Promise<T>): Promise<T> {
  const ctx = currentContext();
  if (!ctx) return fn(() => undefined);
  let details: unknown;
  const timer = setInterval(() => ctx.heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    return await fn((d) => {
      details = d;
      ctx.heartbeat(d);
    });
  } finally {
    clearInterval(timer);
  }
}
