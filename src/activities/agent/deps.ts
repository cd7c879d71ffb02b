import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { WorkspaceRef } from '../../domain/ids';
import type { Logger } from '../../logger';

/** What the agent runner needs from the worker. */
export interface AgentDeps {
  config: Config;
  /** Run logs and the pause switch. */
  pool: Pool;
  logger: Logger;
  /** The worktree; by default `<dataDir>/worktrees/<owner>/<repo>/issue-<n>`. */
  workspaceDir?: (ref: WorkspaceRef) => string;
  /** The variables the agent's environment is picked from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** SIGTERM to SIGKILL of the agent's process group (default 1 s). */
  killGraceMs?: number;
  /** Kill an agent that prints nothing for this long (default AGENT_IDLE_MINUTES). */
  idleTimeoutMs?: number;
}
