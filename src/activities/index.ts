import type { Pool } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ActivityGroups } from '../worker/workers';

export interface ActivityDeps {
  config: Config;
  logger: Logger;
  pool: Pool;
}

/** Builds every activity from its dependencies, grouped by the task queue it runs on. */
export function createActivities(_deps: ActivityDeps): ActivityGroups {
  return { main: {}, githubWrites: {}, agents: {} };
}
