import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { heartbeating } from '../heartbeat';
import { FAILURE_TYPES } from '../types';
import type { WriteBudget } from './write-budget';

/** Requests that are not content: installation tokens and the App manifest conversion cost no write budget. */
const NOT_CONTENT = /\/access_tokens$|\/app-manifests\/[^/]+\/conversions$|\/graphql$/;

/** Whether GitHub counts this request against the content-generating limits (every write, but auth). */
export function isContentWrite(method: string | undefined, url: string | undefined): boolean {
  return !!method && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) && !NOT_CONTENT.test(url ?? '');
}

/**
 * Time kept free at the end of an attempt: no write starts that could land after the attempt timed out.
 * A timed-out attempt is not stopped (GitHub writes do not heartbeat), and its late write would race the
 * next attempt's, or a later state's: a stale label back on the issue.
 */
const ATTEMPT_MARGIN_MS = 25_000; // more than a request's own time-out (octokit.ts, 20 s)

/** When the running activity attempt's start-to-close time-out leaves no room for a write; undefined outside an activity. */
function attemptDeadline(): number | undefined {
  try {
    const { info } = Context.current();
    return info.startToCloseTimeoutMs ? info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs - ATTEMPT_MARGIN_MS : undefined;
  } catch {
    return undefined;
  }
}

/** Per budget key, the end of the line of this process's writes waiting for a token. */
const lines = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier call of `key` in this process has finished: the oldest waiter takes the next
 * token, never a write that came later and asked while the older one slept. A write that finds no line goes at once.
 */
async function inLine<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = lines.get(key);
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => (leave = resolve));
  lines.set(key, mine);
  try {
    if (before) await before;
    return await fn();
  } finally {
    leave();
    if (lines.get(key) === mine) lines.delete(key);
  }
}

/**
 * Takes one token of `key`'s write budget, oldest waiter of the process first: waits (heartbeating) when the next
 * comes within `maxWaitMs` and before the attempt's deadline, else fails the attempt retryably with `nextRetryDelay`
 * the time to the next token.
 */
export async function takeWriteToken(budget: WriteBudget, key: string, maxWaitMs: number): Promise<void> {
  await heartbeating(() =>
    inLine(key, async () => {
      const deadline = attemptDeadline() ?? Infinity;
      for (;;) {
        if (Date.now() > deadline) throw spent(key, 1000);
        const { taken, waitMs } = await budget.take(key);
        if (taken) return;
        if (waitMs > maxWaitMs || Date.now() + waitMs > deadline) {
          throw spent(key, waitMs);
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }),
  );
}

/** The attempt ends retryably; the next begins when the next token is due. */
function spent(key: string, waitMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.githubRateLimited,
    nonRetryable: false,
    nextRetryDelay: waitMs,
    message: `GitHub write budget of ${key} spent (GITHUB_WRITES_PER_MINUTE, GITHUB_WRITES_PER_HOUR); retrying in ${Math.ceil(waitMs / 1000)} s.`,
  });
}
