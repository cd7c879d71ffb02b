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

/**
 * Whether a plan waits for `/agent approve`. Fails closed: under `complex` only a plan that says it
 * is simple goes ahead; after a change by someone without write access (`untrustedChange`) every plan
 * waits, whatever the rule, since nobody with write access has seen the task as it now reads.
 */
export function planNeedsApproval(rule: RepoConfig['approval'], complexity: PlanComplexity, untrustedChange = false): boolean {
  return untrustedChange || rule === 'always' || (rule === 'complex' && complexity !== 'simple');
}
