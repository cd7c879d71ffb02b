import { ApplicationFailure, msToNumber } from '@temporalio/common';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { GithubIdentity, OctokitFactory } from '../activities/github';

/** How often a GitHub that is down or unreachable is asked again at start before the start fails. */
const UNAVAILABLE_ATTEMPTS = 4;

/**
 * Learns issueflow's own GitHub user once, at start: the worker edits only comments by this user
 * id, and the API ignores webhooks by it. Without credentials there is no such user (and no writes).
 *
 * A rate limit is waited out as GitHub says (a restart would only meet it again); a GitHub that is
 * down or unreachable is asked a few times, then the start fails naming the URL, since a wrong
 * GITHUB_API_URL looks the same. Refused credentials stop the start at once.
 */
export async function learnGithubIdentity(
  github: Pick<Config['github'], 'token' | 'appId' | 'apiUrl'>,
  octokits: OctokitFactory,
  logger: Logger,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<GithubIdentity | undefined> {
  if (!github.token && !github.appId) return undefined;
  for (let unavailable = 1; ; ) {
    try {
      const identity = await octokits.identity();
      logger.info({ githubUser: identity.login, githubUserId: identity.id }, 'acting on GitHub as this user');
      return identity;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const wait = waitBeforeAsking(error, unavailable);
      if (wait === undefined) throw new Error(`could not learn issueflow's own GitHub user at start (GITHUB_API_URL ${github.apiUrl}): ${why}`);
      if (!isRateLimit(error)) unavailable++;
      logger.warn({ waitMs: wait }, `learning issueflow's own GitHub user at start: ${why} Asking again in ${Math.ceil(wait / 1000)} s.`);
      await sleep(wait);
    }
  }
}

function isRateLimit(error: unknown): boolean {
  return error instanceof ApplicationFailure && !error.nonRetryable && error.nextRetryDelay !== undefined;
}

/** Milliseconds to wait before asking again, or undefined when asking again cannot help. */
function waitBeforeAsking(error: unknown, unavailableSoFar: number): number | undefined {
  if (!(error instanceof ApplicationFailure) || error.nonRetryable) return undefined;
  if (isRateLimit(error)) return msToNumber(error.nextRetryDelay!);
  return unavailableSoFar < UNAVAILABLE_ATTEMPTS ? 1000 * 2 ** (unavailableSoFar - 1) : undefined;
}
