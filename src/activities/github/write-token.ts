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
 * Takes one token of `key`'s write budget: waits (heartbeating) when the next comes within `maxWaitMs`,
 * else fails the attempt retryably with `nextRetryDelay` the time to the next token.
 */
export async function takeWriteToken(budget: WriteBudget, key: string, maxWaitMs: number): Promise<void> {
  await heartbeating(async () => {
    for (;;) {
      const { taken, waitMs } = await budget.take(key);
      if (taken) return;
      if (waitMs > maxWaitMs) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.githubRateLimited,
          nonRetryable: false,
          nextRetryDelay: waitMs,
          message: `GitHub write budget of ${key} spent (GITHUB_WRITES_PER_MINUTE, GITHUB_WRITES_PER_HOUR); retrying in ${Math.ceil(waitMs / 1000)} s.`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  });
}
