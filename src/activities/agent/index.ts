import type { AgentActivities } from '../types';
import type { AgentDeps } from './deps';
import { runAgentWith } from './run-agent';

export type { AgentDeps } from './deps';

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
