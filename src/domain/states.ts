/** Where an issue stands; each state has exactly one `agent:*` label on the issue. */
export const ISSUE_STATES = [
  'queued',
  'parsing',
  'validating',
  'awaiting-feedback',
  'analyzing',
  'awaiting-approval',
  'implementing',
  'testing',
  'checking',
  'completed',
  'escalated',
  'failed',
  'stale',
  'cancelled',
] as const;
export type IssueState = (typeof ISSUE_STATES)[number];

/** The label shown on the issue for a state. */
export function stateLabel(state: IssueState): string {
  return `agent:${state}`;
}
