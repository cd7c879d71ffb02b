/** The agent activity's contract (see ../types.ts, which re-exports it). */
import type { WorkspaceRef } from '../../domain/ids';
import type { AgentPlan } from '../../domain/plan';
import type { RepoConfig } from '../../domain/repo-config';

export type AgentMode = 'plan' | 'implement';

export interface AgentRunInput {
  workflowId: string;
  /** With `candidate`, the candidate's own worktree and HOME. */
  ref: WorkspaceRef;
  branch: string;
  mode: AgentMode;
  /** The whole prompt: issue, plan, every answer and review comment so far. */
  prompt: string;
  /** The repo's choice of agent; the service's AGENT otherwise. */
  agent?: RepoConfig['agent'];
  /** Names the run in the run log: `analyze`, `implement-1`, ... */
  step: string;
  timeoutMinutes: number;
  /**
   * The agent session of the round before on this worktree, to continue instead of starting cold, with the
   * prompt to send it (only what is new). A cold start (the session is unknown there) sends `prompt`.
   */
  resume?: AgentResume;
}

/** A session of `agent` (its preset) to continue: its id as the CLI printed it, and what to tell it now. */
export interface AgentResume {
  agent: string;
  sessionId: string;
  prompt: string;
  /** The session's cost so far as the CLI last reported it: Claude Code's `total_cost_usd` counts a continued session's earlier runs too. */
  sessionCostUsd?: number;
}


export interface AgentRunResult {
  agent: string;
  exitCode: number;
  resultText: string;
  /** Plan mode only: the JSON block the agent returned, or the text read as a plan. */
  plan?: AgentPlan;
  turns?: number;
  tokens?: { input: number; output: number };
  costUsd?: number;
  /** The last lines of output, for the issue. The full output is in the run log. */
  outputTail: string;
  durationMs: number;
  /** The CLI's session id (Claude Code's `session_id`, Codex's `session id:`), which a later round may continue. */
  sessionId?: string;
  /** The session's cost as the CLI reported it, earlier runs of a continued session included (`costUsd` is this run's alone). */
  sessionCostUsd?: number;
  /** The run continued the session it was given (or its own attempt's before a lost worker) rather than starting cold. */
  resumed?: boolean;
}

export interface AgentActivities {
  runAgent(input: AgentRunInput): Promise<AgentRunResult>;
}
