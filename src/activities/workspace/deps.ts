import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { RepoRef } from '../../domain/ids';
import type { Logger } from '../../logger';

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
