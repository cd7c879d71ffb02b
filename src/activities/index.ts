import type { Pool } from 'pg';
import type { Config } from '../config';
import type { RepoRef } from '../domain/ids';
import type { Logger } from '../logger';
import type { ActivityGroups } from './activity-groups';
import { createAgentActivities } from './agent';
import { withAgentSlots } from './agent/slots';
import { createGithubReadActivities, createGithubWriteActivities, type OctokitFactory } from './github';
import { PgWriteBudget } from './github/write-budget';
import { createNotifyActivities } from './notify';
import { createRetentionActivities } from './retention';
import { createRewindActivities, type RewindDeps } from './rewind';
import type { WorkspaceActivities } from './types';
import { createWorkspaceActivities } from './workspace';

export interface ActivityDeps {
  config: Config;
  logger: Logger;
  pool: Pool;
  /** The process's GitHub clients (built in src/worker, which also learns issueflow's GitHub user with them). */
  octokits: OctokitFactory;
  /** This worker's id (src/worker/host-id.ts): a prepared worktree says where it lives. */
  hostId?: string;
  /** A Temporal client and this worker's workflow code: the sweep that rewinds histories that do not replay. */
  rewind?: RewindDeps;
}

/** Builds every activity from its dependencies, grouped by the task queue it runs on. */
export function createActivities(deps: ActivityDeps): ActivityGroups {
  const { octokits } = deps;
  // Every worker takes GitHub writes from one budget per installation, in PostgreSQL.
  octokits.useWriteBudget?.(new PgWriteBudget(deps.pool, deps.config.github.writeLimits));
  const local = createWorkspaceActivities({ ...deps, getToken: gitToken(deps.config, octokits) });
  const workspace: WorkspaceActivities = { ...local, prepareWorkspace: async (input) => ({ ...(await local.prepareWorkspace(input)), host: deps.hostId }) };
  const writes = createGithubWriteActivities({ octokits });
  return {
    main: {
      ...createGithubReadActivities({ octokits }),
      // A run's first status write, as a local activity (src/workflows/issue/publish.ts, firstStatusWrite).
      publishStatus: writes.publishStatus,
      ...workspace,
      ...createNotifyActivities({ config: deps.config, logger: deps.logger }),
      ...createRetentionActivities({ pool: deps.pool }),
      ...(deps.rewind ? createRewindActivities(deps.rewind) : {}),
    },
    githubWrites: writes,
    agents: withAgentSlots(createAgentActivities(deps), deps.config.agent.concurrency),
    workspace,
  };
}

/** The token git uses to fetch and push: GITHUB_TOKEN, or the repository's App installation token. */
function gitToken(config: Config, octokits: OctokitFactory): (ref: RepoRef) => Promise<string | undefined> {
  return async (ref) => {
    if (config.github.token) return config.github.token;
    if (!config.github.appId) return undefined;
    const octokit = await octokits.forRepo(ref);
    const auth = (await octokit.auth({ type: 'installation' })) as { token?: string };
    return auth.token;
  };
}
