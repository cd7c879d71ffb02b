import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { RepoRef } from '../../domain/ids';
import type { Logger } from '../../logger';
import type { WorkspaceActivities } from '../types';
import { commitAndPush } from './commit';
import { cleanupWorkspace, prepareWorkspace } from './prepare';
import { runTests } from './run-tests';
import { updateBranch } from './update';
import { heartbeating } from '../heartbeat';

export { mirrorPath, worktreePath, cloneUrl } from './paths';

/** What the workspace activities need from the worker. */
export interface WorkspaceDeps {
  /** dataDir, GIT_CLONE_URL, GITHUB_TOKEN (the default token), AGENT_ENV. */
  config: Config;
  /** Test output goes to `run_logs`. */
  pool: Pool;
  logger: Logger;
  /** The token for fetch and push (e.g. a GitHub App installation token); GITHUB_TOKEN by default. */
  getToken?: (ref: RepoRef) => Promise<string | undefined>;
  /** The variables test commands' environment is picked from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** SIGTERM to SIGKILL of a timed-out test run's process group (default 1 s). */
  killGraceMs?: number;
}

/**
 * The git workspace activities: a bare mirror per repository and a worktree per issue under
 * `config.dataDir`, commits as issueflow, pushes with the token in an http header only, and test runs.
 * Each heartbeats twice a second while it runs (a long clone or push, the wait for the mirror's lock),
 * so a short heartbeat time-out notices a lost worker without cutting off a slow git.
 */
export function createWorkspaceActivities(deps: WorkspaceDeps): WorkspaceActivities {
  return {
    prepareWorkspace: (input) => heartbeating(() => prepareWorkspace(deps, input)),
    commitAndPush: (input) => heartbeating(() => commitAndPush(deps, input)),
    updateBranch: (input) => heartbeating(() => updateBranch(deps, input)),
    runTests: (input) => runTests(deps, input),
    cleanupWorkspace: (input) => heartbeating(() => cleanupWorkspace(deps, input)),
  };
}
