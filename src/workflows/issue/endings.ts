import { CancellationScope, log, patched } from '@temporalio/workflow';
import { issueBranch } from '../../domain/ids';
import type { PullRequestState } from '../../domain/status';
import type { IssueWorkflowResult } from '../messages';
import { describeFailure } from './describe-failure';
import { cleanUpCancelled, finish } from './finish';
import type { Flow } from './flow';
import { summary } from './publish';

/**
 * Guards the endings that follow GitHub (only issueflow's own PR ends the story, at once; a cancelled run
 * looks at its PR first; the end is not cancellable; a new story looks up the last PR), so that
 * histories recorded before them still replay.
 */
export const ENDINGS_PATCH = 'endings-follow-github';

/** The PR's state now: from its webhook, else asked of GitHub; `unknown` when GitHub did not answer. */
async function pullRequestState(flow: Flow): Promise<PullRequestState | 'unknown' | undefined> {
  const { data, ref } = flow.state;
  const pr = data.status.pullRequest;
  if (!pr) return undefined;
  if (data.pending.prClosed) return data.pending.prClosed.merged ? 'merged' : 'closed';
  try {
    const now = await flow.acts.getPullRequest.executeWithOptions({ summary: summary(flow, `read PR #${pr.number}`) }, [{ ref: { owner: ref.owner, repo: ref.repo }, number: pr.number }]);
    return now.merged ? 'merged' : now.state;
  } catch (err) {
    log.warn('issueflow could not read its pull request', { error: describeFailure(err).message });
    return 'unknown';
  }
}

/**
 * Ends a cancelled story. Its PR merged or closed (the webhook, or GitHub closing the issue the merged PR
 * fixes) ends it as merged or closed; anything else is a cancellation proper. Work is pushed only while
 * the PR is open (or before there is one): pushing after a merge would bring back a deleted branch.
 */
export function endCancelled(flow: Flow): Promise<IssueWorkflowResult> {
  return CancellationScope.nonCancellable(async () => {
    if (!patched(ENDINGS_PATCH)) return cleanUpCancelled(flow, true);
    const { data } = flow.state;
    const pr = await pullRequestState(flow);
    if (data.pending.prClosed) return finish(flow, { end: data.pending.prClosed.merged ? 'merged' : 'closed' });
    if (pr === 'merged' && data.issueClosed) return finish(flow, { end: 'merged' });
    return cleanUpCancelled(flow, pr === undefined || pr === 'open');
  });
}

/** A new story on an issue that had one: the last PR of issueflow's branch, shown in the status comment. */
export async function lookUpPreviousPullRequest(flow: Flow): Promise<void> {
  const { state } = flow;
  const { ref } = state;
  try {
    const found = await flow.acts.findPullRequest.executeWithOptions({ summary: summary(flow, 'look up an earlier pull request') }, [
      { ref: { owner: ref.owner, repo: ref.repo }, branch: issueBranch(ref.issueNumber) },
    ]);
    if (found) state.recordPreviousPullRequest({ number: found.number, url: found.url, state: found.merged ? 'merged' : found.state });
  } catch (err) {
    log.warn('issueflow could not look up an earlier pull request', { error: describeFailure(err).message });
  }
}
