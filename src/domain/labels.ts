import { ISSUE_STATES, stateLabel, type IssueState } from './states';

/** A label as issueflow creates it on a repository. */
export interface LabelSpec {
  name: string;
  /** Six hex digits, without `#` (GitHub's format). */
  color: string;
  description: string;
}

const LOOK: Record<IssueState, { color: string; description: string }> = {
  queued: { color: 'ededed', description: 'issueflow: waiting for a worker' },
  parsing: { color: 'c5def5', description: 'issueflow: reading the issue' },
  validating: { color: 'c5def5', description: 'issueflow: checking the issue and the repository' },
  'awaiting-feedback': { color: 'fbca04', description: 'issueflow: waiting for an answer in the comments' },
  analyzing: { color: '1d76db', description: 'issueflow: the agent is planning' },
  'awaiting-approval': { color: 'fbca04', description: 'issueflow: plan ready, comment /agent approve' },
  implementing: { color: '1d76db', description: 'issueflow: the agent is writing the change' },
  testing: { color: '5319e7', description: "issueflow: running the repository's tests" },
  checking: { color: '5319e7', description: "issueflow: pull request open, waiting for its CI checks" },
  completed: { color: '0e8a16', description: 'issueflow: pull request opened' },
  escalated: { color: 'd93f0b', description: 'issueflow: needs a human' },
  failed: { color: 'b60205', description: 'issueflow: failed, comment /agent retry' },
  stale: { color: 'cccccc', description: 'issueflow: stopped after no activity' },
  cancelled: { color: 'cccccc', description: 'issueflow: cancelled' },
};

/** The label of a state, with its colour and description. */
export function stateLabelSpec(state: IssueState): LabelSpec {
  return { name: stateLabel(state), ...LOOK[state] };
}

/** Every `agent:*` state label. */
export const STATE_LABELS: readonly LabelSpec[] = ISSUE_STATES.map(stateLabelSpec);

/** Whether a label name is one of issueflow's state labels (`agent:*`), not the trigger label. */
export function isStateLabel(name: string): boolean {
  return name.startsWith('agent:');
}
