import { CancellationScope } from '@temporalio/workflow';
import { issueBranch } from '../../domain/ids';
import type { IssueState } from '../../domain/states';
import type { IssueWorkflowResult } from '../messages';
import { bestEffort } from './best-effort';
import { commitWork, pendingMerge } from './commit-work';
import type { Flow } from './flow';
import type { Ending } from './phases';
import { published, publish, summary, updateStatusComment } from './publish';

const FINAL_TEXT: Record<Ending['end'] | 'cancelled', string> = {
  merged: 'The pull request was merged. Done here.',
  closed: 'The pull request was closed without merging. Comment `/agent run` to start again.',
  idle: 'No review or merge for a while, so I stopped listening. Comment `/agent run` to start again.',
  stale: 'No answer arrived in time, so I stopped. Answer the questions above and comment `/agent run` to start again.',
  failed: 'The failed step was not retried in time, so I stopped. Comment `/agent run` to start again.',
  cancelled: 'Cancelled. Any work in progress was pushed to the branch. Comment `/agent run` to start again.',
};

/** Nothing is pushed to the branch of a merged or closed PR (GitHub may have deleted it). */
const CANCELLED_UNPUSHED = 'Cancelled. The pull request is no longer open, so nothing more was pushed. Comment `/agent run` to start again.';

/** Tells NOTIFY_URL and frees the worktree; every end goes through here. */
async function release(flow: Flow, state: IssueState, text: string): Promise<void> {
  const { data, ref, workflowId } = flow.state;
  // The status written in the background is on GitHub before the story ends.
  await published(flow);
  await bestEffort('notify the end state', () =>
    flow.acts.notifyEndState.executeWithOptions({ summary: summary(flow, `notify ${state}`) }, [
      { workflowId, ref, state, summary: text, ...(data.status.pullRequest ? { pullRequestUrl: data.status.pullRequest.url } : {}) },
    ]),
  );
  if (data.workspaceUsed) {
    await bestEffort('clean up the workspace', () =>
      flow.acts.cleanupWorkspace.executeWithOptions({ summary: summary(flow, 'clean up workspace') }, [{ ref, branch: issueBranch(ref.issueNumber) }]),
    );
  }
}

/** Ends the story: the end state's label and comments (not for a merged PR: it speaks for itself), notify, clean up. */
export async function finish(flow: Flow, ending: Ending): Promise<IssueWorkflowResult> {
  const { state } = flow;
  const text = FINAL_TEXT[ending.end];
  if (ending.end === 'stale' || ending.end === 'failed') {
    state.enter(ending.end);
    state.closeStep(ending.end === 'failed' ? 'failed' : 'done');
    await bestEffort('report the end', () => publish(flow, [{ key: 'final', body: text }]));
  } else if (ending.end === 'merged' && state.current !== 'completed') {
    // Merged by a human while issueflow waited (an escalated review round): the issue is done.
    state.enter('completed', 'pull request merged');
    state.closeStep();
    await bestEffort('report the merge', () => publish(flow));
  } else {
    state.note(ending.end === 'merged' ? 'pull request merged' : ending.end === 'closed' ? 'pull request closed' : 'idle, stopped listening');
    state.closeStep();
    if (ending.end === 'idle') await bestEffort('report the end', () => updateStatusComment(flow));
  }
  await release(flow, state.current, text);
  return { state: state.current, outcome: ending.end, ...(state.data.status.pullRequest ? { pullRequest: state.data.status.pullRequest } : {}) };
}

/**
 * The clean-up of a cancellation (issue closed, or `/agent cancel`): push unpushed work (when `push`), label,
 * final comment, free the worktree. Non-cancellable, so it runs to the end although the workflow is cancelled.
 */
export function cleanUpCancelled(flow: Flow, push: boolean): Promise<IssueWorkflowResult> {
  return CancellationScope.nonCancellable(async () => {
    const { state } = flow;
    const text = `${push ? FINAL_TEXT.cancelled : CANCELLED_UNPUSHED}${state.data.cancelledBy ? ` (by @${state.data.cancelledBy})` : ''}`;
    if (state.data.workspaceUsed && push) {
      // Mid-conflict, only a resolved merge is pushed: conflict markers never reach the branch.
      await bestEffort('push the unpushed work', () => commitWork(flow, `Work in progress on #${state.ref.issueNumber}, saved at cancellation`, pendingMerge(flow)));
    }
    state.enter('cancelled');
    state.closeStep();
    await bestEffort('report the cancellation', () => publish(flow, [{ key: 'final', body: text }]));
    await release(flow, 'cancelled', text);
    return { state: 'cancelled' as const, outcome: 'cancelled' as const, ...(state.data.status.pullRequest ? { pullRequest: state.data.status.pullRequest } : {}) };
  });
}
