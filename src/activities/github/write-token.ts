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

/** Per budget key, the end of the line of this process's writes that were refused a token and wait for one. */
const lines = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier call of `key` in the line has finished: the oldest waiter takes the next token. */
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
 * Takes one token of `key`'s write budget. While nobody of this process waits for one, a write asks at once (the
 * writes of a burst within the budget ask side by side, none waits for another's round trip); once one is refused,
 * it and every write after it queue, oldest first, so a later write never takes the token an older one waits for.
 * A waiter waits (heartbeating) when the next token comes within `maxWaitMs` and before the attempt's deadline,
 * else its attempt fails retryably with `nextRetryDelay` the time to the next token.
 */
export async function takeWriteToken(budget: WriteBudget, key: string, maxWaitMs: number): Promise<void> {
  await heartbeating(async () => {
    const deadline = attemptDeadline() ?? Infinity;
    const take = async () => {
      if (Date.now() > deadline) throw spent(key, 1000);
      const { taken, waitMs } = await budget.take(key);
      if (!taken && (waitMs > maxWaitMs || Date.now() + waitMs > deadline)) throw spent(key, waitMs);
      return taken ? 0 : waitMs;
    };
    if (!lines.has(key) && (await take()) === 0) return;
    await inLine(key, async () => {
      for (let wait = await take(); wait > 0; wait = await take()) await new Promise((resolve) => setTimeout(resolve, wait));
    });
  });
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
