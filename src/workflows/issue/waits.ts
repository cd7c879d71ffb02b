import { condition } from '@temporalio/workflow';
import type { DeepReadonly, FlowData } from './flow-data';
import type { Flow } from './flow';
import { postComment, publish, summary } from './publish';

/** Why a wait for people ended. */
export type WaitOutcome = 'feedback' | 'edited' | 'resume' | 'approved' | 'timeout';

const HOUR = 3_600_000;

function outcomeOf(data: DeepReadonly<FlowData>, approval: boolean): WaitOutcome | undefined {
  const p = data.pending;
  if (approval && p.approvedBy) return 'approved';
  if (p.feedback > 0) return 'feedback';
  if (p.edited) return 'edited';
  if (p.resume) return 'resume';
  return undefined;
}

export interface Ask {
  state: 'awaiting-feedback' | 'awaiting-approval';
  /** The short form shown in the status comment and returned by the status query. */
  question: string;
  /** The comment posted for people to answer. */
  comment: string;
  key: string;
}

/**
 * Asks in the issue and waits for a reply, an edit of the issue or `/agent run` (and `/agent approve`
 * for a plan). A reminder after half of `timeouts.feedbackHours`; `timeout` after all of it.
 */
export async function askAndWait(flow: Flow, ask: Ask): Promise<WaitOutcome> {
  const { state } = flow;
  const { data } = state;
  state.clearPending();
  state.waitForPeople(ask.state, ask.question);
  await publish(flow, [{ key: ask.key, body: ask.comment }]);
  const half = (data.config.timeouts.feedbackHours * HOUR) / 2;
  const approval = ask.state === 'awaiting-approval';
  const answered = () => outcomeOf(data, approval) !== undefined;
  if (!(await condition(answered, half, { summary: summary(flow, `wait for an answer (${ask.key}), then remind`) }))) {
    const what = approval ? 'the plan above' : 'the question above';
    const reminder = `@${data.issue.author || 'author'} a reminder: I am still waiting for an answer to ${what}. Without one in ${data.config.timeouts.feedbackHours / 2} h this issue is marked stale.`;
    await postComment(flow, `${ask.key}-reminder`, reminder);
    await condition(answered, half, { summary: summary(flow, `wait for an answer (${ask.key}), then stale`) });
  }
  const outcome = outcomeOf(data, approval) ?? 'timeout';
  state.clearPending();
  return outcome;
}
