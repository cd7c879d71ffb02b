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

/** The trigger label (TRIGGER_LABEL) as `issueflow init` creates it. */
export function triggerLabelSpec(name: string): LabelSpec {
  return { name, color: '7057ff', description: 'issueflow: hand this issue to the agent (owners, members and collaborators)' };
}

/** Every label issueflow uses on a repository: the trigger label and the state labels. */
export function repoLabels(triggerLabel: string): LabelSpec[] {
  return [triggerLabelSpec(triggerLabel), ...STATE_LABELS];
}

/** What makes a repository's labels match `wanted` (names compared as GitHub does, without case); others are left alone. */
export function labelChanges(existing: ReadonlyArray<{ name: string; color: string; description?: string | null }>, wanted: readonly LabelSpec[]): { create: LabelSpec[]; update: LabelSpec[] } {
  const byName = new Map(existing.map((l) => [l.name.toLowerCase(), l]));
  const create: LabelSpec[] = [];
  const update: LabelSpec[] = [];
  for (const w of wanted) {
    const have = byName.get(w.name.toLowerCase());
    if (!have) create.push(w);
    else if (have.color.toLowerCase() !== w.color.toLowerCase() || (have.description ?? '') !== w.description) update.push(w);
  }
  return { create, update };
}
