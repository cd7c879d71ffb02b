import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { IssueRef } from '../../domain/ids';
import type { Logger } from '../../logger';
import type { AgentActivities } from '../types';
import { runAgentWith } from './run-agent';

/** What the agent runner needs from the worker. */
export interface AgentDeps {
  config: Config;
  /** Run logs and the pause switch. */
  pool: Pool;
  logger: Logger;
  /** The issue's worktree; by default `<dataDir>/worktrees/<owner>/<repo>/issue-<n>`. */
  workspaceDir?: (ref: IssueRef) => string;
  /** The variables the agent's environment is picked from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** SIGTERM to SIGKILL of the agent's process group (default 1 s). */
  killGraceMs?: number;
  /** Kill an agent that prints nothing for this long (default AGENT_IDLE_MINUTES). */
  idleTimeoutMs?: number;
}

/**
 * The agent activities. `runAgent` refuses to start while paused (AgentPaused: the workflow holds the
 * round), runs the preset (then AGENT_FALLBACK when the binary is missing or the provider is down) in
 * its own process group with a built environment, heartbeats `{ bytes, lastLine }` twice a second
 * whatever it prints, streams all output to `run_logs`, and kills the group on cancellation, the hard
 * time-out and the idle limit (no output for AGENT_IDLE_MINUTES), returning only once it is dead.
 * Failures: AgentPaused, AgentMissing, AgentTimedOut (non-retryable), AgentFailed (retryable),
 * GitFailed (no worktree).
 */
export function createAgentActivities(deps: AgentDeps): AgentActivities {
  return {
    runAgent: (input) => runAgentWith(deps, input),
  };
}
