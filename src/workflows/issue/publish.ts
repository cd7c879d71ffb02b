import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { AGENT_ATTR, COST_ATTR, STATE_ATTR } from '../../domain/search-attributes';
import { renderStatusComment } from '../../domain/status-comment';
import { BUDGET_PATCH } from './budget';
import type { Flow } from './flow';

/** The key of the one status comment of an issue. */
export const STATUS_KEY = 'status';

/** A one-line label for activity and timer summaries in the Temporal UI. */
export function summary(flow: Flow, what: string): string {
  return `#${flow.state.ref.issueNumber} ${what}`;
}

/** The status comment as it should read now. */
export function statusBody(flow: Flow): string {
  const { owner, repo } = flow.state.ref;
  return renderStatusComment(flow.state.snapshot(), {
    temporalUiUrl: flow.input.temporalUiUrl,
    namespace: workflowInfo().namespace,
    repoUrl: `https://github.com/${owner}/${repo}`,
  });
}

/** Edits the status comment in place. */
export async function updateStatusComment(flow: Flow): Promise<void> {
  await flow.acts.upsertComment.executeWithOptions({ summary: summary(flow, `status: ${flow.state.current}`) }, [
    { ref: flow.state.ref, workflowId: flow.state.workflowId, key: STATUS_KEY, body: statusBody(flow) },
  ]);
}

/** Posts (or edits) one keyed comment, e.g. a question or the summary. */
export async function postComment(flow: Flow, key: string, body: string): Promise<{ commentId: number; url: string }> {
  return flow.acts.upsertComment.executeWithOptions({ summary: summary(flow, `comment ${key}`) }, [
    { ref: flow.state.ref, workflowId: flow.state.workflowId, key, body },
  ]);
}

/**
 * Shows the current state everywhere: Temporal UI details, search attributes, the label and the
 * status comment. Called once per state change only, to keep the history short.
 */
export async function publish(flow: Flow): Promise<void> {
  const { data } = flow.state;
  const state = flow.state.current;
  setCurrentDetails(`**${state}** · ${data.status.steps.length} steps · $${data.status.costUsd.toFixed(2)}${data.status.pullRequest ? ` · PR #${data.status.pullRequest.number}` : ''}`);
  if (data.shown.attribute !== state) {
    const pairs: SearchAttributeUpdatePair[] = [{ key: STATE_ATTR, value: state }];
    if (data.status.agent) pairs.push({ key: AGENT_ATTR, value: data.status.agent });
    // Only with a budget: the patch's marker (and its change-version attribute) would cost every other issue two actions.
    if (data.status.budget && data.status.costUsd > 0 && patched(BUDGET_PATCH)) pairs.push({ key: COST_ATTR, value: data.status.costUsd });
    upsertSearchAttributes(pairs);
    flow.state.markShown('attribute', state);
  }
  const label =
    data.shown.label === state
      ? Promise.resolve()
      : flow.acts.setStateLabel.executeWithOptions({ summary: summary(flow, `label agent:${state}`) }, [{ ref: flow.state.ref, state }]).then(() => {
          flow.state.markShown('label', state);
        });
  await Promise.all([label, updateStatusComment(flow)]);
}
