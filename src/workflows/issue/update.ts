import { condition, log, patched, workflowInfo } from '@temporalio/workflow';
import { issueBranch } from '../../domain/ids';
import { DEFAULT_CONFIG } from '../../domain/repo-defaults';
import { bestEffort } from './best-effort';
import { describeFailure } from './describe-failure';
import type { Flow } from './flow';
import type { Next } from './phases';
import { summary, updateStatusComment } from './publish';
import { ensureWorkspace } from './workspace';

/** Guards the checks of an open PR's mergeability while listening, so that histories recorded before them still replay. */
export const MERGE_CHECK_PATCH = 'merge-check-while-listening';

const MINUTE = 60_000;
/** GitHub's `mergeable_state`s that a merge of the base fixes: conflicts, or commits of the base missing (when the base requires them). */
const NEEDS_UPDATE = ['dirty', 'behind'];

/** Whether GitHub says the PR needs the base merged in; `computing` while GitHub has not computed it yet (it starts on a read). */
async function mergeCheck(flow: Flow): Promise<'needs-update' | 'fine' | 'computing'> {
  const { data, ref } = flow.state;
  const pr = data.status.pullRequest;
  if (!pr) return 'fine';
  try {
    const now = await flow.acts.getPullRequest.executeWithOptions({ summary: summary(flow, `is PR #${pr.number} mergeable`) }, [{ ref: { owner: ref.owner, repo: ref.repo }, number: pr.number }]);
    if (now.state !== 'open') return 'fine';
    if (now.mergeableState === 'unknown') return 'computing';
    return NEEDS_UPDATE.includes(now.mergeableState ?? '') ? 'needs-update' : 'fine';
  } catch (err) {
    // Not worth an escalation: the next check asks again.
    log.warn('issueflow could not read its pull request', { error: describeFailure(err).message });
    return 'fine';
  }
}

/**
 * Waits while the PR is open for `woke` or `idleMs`, asking GitHub every `mergeCheckMinutes` whether
 * the PR still merges: GitHub sends no webhook to a PR when its base moves. `moved` when it no longer
 * does; `continue` when the history is long enough to continue as new; `current` otherwise.
 */
export async function watchBase(flow: Flow, woke: () => boolean, idleMs: number): Promise<'current' | 'moved' | 'continue'> {
  const until = Date.now() + idleMs;
  // A run carried over from before the setting has none.
  const every = (flow.state.data.config.timeouts.mergeCheckMinutes ?? DEFAULT_CONFIG.timeouts.mergeCheckMinutes) * MINUTE;
  let next = every;
  for (;;) {
    if (await condition(woke, Math.max(1, Math.min(until - Date.now(), next)), { summary: summary(flow, 'wait for review or merge') })) return 'current';
    // Before the patch the only timer was the idle one: its end is checked first, so those histories replay.
    if (Date.now() >= until || !patched(MERGE_CHECK_PATCH)) return 'current';
    const check = await mergeCheck(flow);
    if (check === 'needs-update') return 'moved';
    if (workflowInfo().continueAsNewSuggested) return 'continue';
    // GitHub is computing it since this read: the answer is there well before the next regular check.
    next = check === 'computing' ? Math.min(every, MINUTE) : every;
  }
}

/**
 * Merges the newest base branch into the PR's branch (`/agent update`, or GitHub said the PR conflicts or
 * is behind). A clean merge is pushed and the PR waits again; conflicts go to the agent as a round of
 * their own, then the tests, and the merge is committed once they are resolved.
 */
export async function update(flow: Flow): Promise<Next<'update'>> {
  const { state } = flow;
  // The worktree may be gone after the wait (another worker, a restart): rebuilt from the pushed branch.
  state.worktreeMayBeGone();
  await ensureWorkspace(flow);
  const result = await flow.acts.updateBranch.executeWithOptions({ summary: summary(flow, 'merge the base branch') }, [{ ref: state.ref, branch: issueBranch(state.ref.issueNumber) }]);
  if (result.outcome === 'conflicted') {
    state.recordConflict({ baseBranch: result.baseBranch, baseSha: result.baseSha, files: result.files });
    state.note(`${result.baseBranch} conflicts in ${result.files.length} files`);
    return 'implement';
  }
  state.note(result.outcome === 'merged' ? `merged ${result.baseBranch} (${result.sha.slice(0, 7)})` : `up to date with ${result.baseBranch}`);
  await bestEffort('show the merge', () => updateStatusComment(flow));
  return 'listen';
}
