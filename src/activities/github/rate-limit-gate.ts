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
      throw err;
    }
  });
  return octokit;
}
