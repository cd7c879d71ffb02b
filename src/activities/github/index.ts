import type { GithubReadActivities, GithubWriteActivities } from '../types';
import type { OctokitFactory } from './octokit';
import { createGithubReadActivities } from './read';
import { createGithubWriteActivities } from './write';

export { createOctokitFactory, type OctokitFactory, type OctokitFactoryDeps } from './octokit';
export { createGithubReadActivities, REPO_CONFIG_PATH } from './read';
export { createGithubWriteActivities } from './write';
export { GITHUB_UNAVAILABLE, toGithubFailure, rateLimitDelayMs } from './errors';
export type { GithubIdentity } from './identity';

/** Dependencies of the GitHub activities: where to get an Octokit for a repository. */
export interface GithubActivitiesDeps {
  octokits: OctokitFactory;
}

/** All GitHub activities. Register the write group on `sharedQueues(taskQueue).githubWrites` (domain/task-queues). */
export function createGithubActivities(deps: GithubActivitiesDeps): GithubReadActivities & GithubWriteActivities {
  return { ...createGithubReadActivities(deps), ...createGithubWriteActivities(deps) };
}
