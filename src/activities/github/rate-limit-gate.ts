import { ApplicationFailure } from '@temporalio/common';
import type { Octokit } from '@octokit/rest';
import { FAILURE_TYPES } from '../types';
import { githubStatus, rateLimitDelayMs } from './errors';
import { recordRateLimit } from './rate-limit-metrics';
import type { WriteBudget } from './write-budget';
import { isContentWrite, takeWriteToken } from './write-token';

/** A wait up to this long happens in the call; a longer one fails the attempt with `nextRetryDelay` instead. */
export const MAX_IN_CALL_WAIT_MS = 10_000;

/**
 * GitHub's rate limits count per token, not per call: once GitHub answered one call with a rate limit,
 * every other call with the same credentials (other activities, other issues) must wait for the reset
 * too. Retrying only the limited call (its `nextRetryDelay`) let the others go on hammering it.
 */
export class RateLimitGate {
  private until = 0;

  /** `credentials` names them without their secret (`token`, `installation 42`): the metrics' label. */
  constructor(
    readonly credentials = 'unnamed',
    private readonly now: () => number = Date.now,
  ) {}

  /** Holds every call until `ms` from now (a later reset wins). */
  block(ms: number): void {
    this.until = Math.max(this.until, this.now() + ms);
  }

  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }
}

const gates = new Map<string, RateLimitGate>();

/**
 * The process's one gate for these credentials (several factories may build Octokits for the same token).
 * `key` may hold a secret (it tells tokens apart); `name` must not (see RateLimitGate).
 */
export function gateFor(key: string, name: string): RateLimitGate {
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new RateLimitGate(name)));
  return gate;
}

/** The write budget a gated Octokit takes from: `budget()` is read at each write (set once the database is there). */
export interface BudgetSource {
  budget(): WriteBudget | undefined;
  /** The bucket's key: the installation, or the token (named without its secret). */
  key: string;
}

/**
 * Routes every request of `octokit` through `gate`: waits out an announced reset, and announces the ones GitHub
 * answers. With `writes`, a content-generating request then takes a token of the write budget: a reset GitHub
 * announced comes first, so no token is spent on a request that would wait anyway.
 */
export function gateRequests(octokit: Octokit, gate: RateLimitGate, maxWaitMs = MAX_IN_CALL_WAIT_MS, writes?: BudgetSource): Octokit {
  octokit.hook.wrap('request', async (request, options) => {
    const again = IDEMPOTENT.has(String(options.method).toUpperCase()) ? [...RETRY_IN_CALL_MS] : [];
    for (;;) {
      // Look again after each wait: another call may have met a later reset meanwhile.
      for (let wait = gate.remainingMs(); wait > 0; wait = gate.remainingMs()) {
        if (wait > maxWaitMs) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.githubRateLimited,
            nonRetryable: false,
            nextRetryDelay: wait,
            message: `GitHub rate limit in effect for these credentials; retrying in ${Math.ceil(wait / 1000)} s.`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const budget = writes?.budget();
      if (budget && isContentWrite(options.method, options.url)) await takeWriteToken(budget, writes!.key, maxWaitMs);
      try {
        const response = await request(options);
        recordRateLimit(gate.credentials, response.headers as Record<string, string | number | undefined>);
        return response;
      } catch (err) {
        const status = githubStatus(err);
        const e = err as { message?: string; response?: { headers?: Record<string, string | number | undefined>; data?: { message?: string } } };
        recordRateLimit(gate.credentials, e.response?.headers);
        const delay = status === undefined ? undefined : rateLimitDelayMs(status, e.response?.headers ?? {}, e.response?.data?.message ?? e.message ?? '');
        if (delay !== undefined) gate.block(delay);
        // A time-out is not asked again here: two more would outlast the activity's own time-out.
        const transient = delay !== undefined || (status !== undefined && status >= 500 && !timedOut(err));
        const pause = again.shift();
        if (!transient || pause === undefined) throw err;
        // A rate limit waits at the gate above (or fails the attempt when its reset is far).
        if (delay === undefined) await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  });
  return octokit;
}

/** Whether the request was aborted (our request time-out: Octokit wraps fetch's TimeoutError in a 500). */
function timedOut(err: unknown): boolean {
  const e = err as { name?: string; cause?: { name?: string } };
  return [e.name, e.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError');
}

/**
 * Requests that may be sent twice with the same effect (issueflow's PUTs, PATCHes and DELETEs set absolute
 * values; a DELETE done twice answers 404, which its callers take as done). A POST is never sent again here:
 * an answer lost after GitHub acted would duplicate a comment or a pull request; the activity's retry reads first.
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

/**
 * An idempotent request that met a 5xx or a rate limit is sent again within the call, after these pauses:
 * an activity of several calls (the status: labels and comments read, then written) otherwise began again
 * from its first call on each failure, and under a bad patch of GitHub (1 call in 5 failing) failed
 * attempt after attempt. The activity's own retries (Temporal's) still follow when these run out.
 */
export const RETRY_IN_CALL_MS = [250, 1000];
