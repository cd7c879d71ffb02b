/** The agent's plan and the approval gate's rule. Pure. */
import type { RepoConfig } from './repo-config';

/** `unknown`: the agent did not say (prose instead of the JSON block, or no readable value). */
export type PlanComplexity = 'simple' | 'complex' | 'unknown';

export interface AgentPlan {
  summary: string;
  steps: string[];
  complexity: PlanComplexity;
  estimate?: string;
  questions: string[];
}

/** Reads the plan's `complexity`; anything but a plain "simple" or "complex" is `unknown`. */
export function readComplexity(value: unknown): PlanComplexity {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return v === 'simple' || v === 'complex' ? v : 'unknown';
}

/** Whether a plan waits for `/agent approve`. Fails closed: under `complex` only a plan that says it is simple goes ahead. */
export function planNeedsApproval(rule: RepoConfig['approval'], complexity: PlanComplexity): boolean {
  return rule === 'always' || (rule === 'complex' && complexity !== 'simple');
}
