import type { Config } from '../config';
import type { Logger } from '../logger';
import type { GithubIdentity, OctokitFactory } from '../activities/github';

/**
 * Learns issueflow's own GitHub user once, at start: the worker edits only comments by this user
 * id, and the API ignores webhooks by it. Without credentials there is no such user (and no writes).
 */
export async function learnGithubIdentity(config: Config, octokits: OctokitFactory, logger: Logger): Promise<GithubIdentity | undefined> {
  if (!config.github.token && !config.github.appId) return undefined;
  try {
    const identity = await octokits.identity();
    logger.info({ githubUser: identity.login, githubUserId: identity.id }, 'acting on GitHub as this user');
    return identity;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`could not learn issueflow's own GitHub user at start (GITHUB_API_URL ${config.github.apiUrl}): ${why}`);
  }
}
