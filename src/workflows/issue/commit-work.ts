import type { PendingMerge } from '../../activities/types';
import { issueBranch } from '../../domain/ids';
import type { Flow } from './flow';
import { summary } from './publish';

/** Commits and pushes whatever the worktree holds (with `merge`, as the merge of the base); returns whether anything was committed. */
export async function commitWork(flow: Flow, message: string, merge?: PendingMerge): Promise<boolean> {
  const { state } = flow;
  const commit = await flow.acts.commitAndPush.executeWithOptions({ summary: summary(flow, 'commit and push') }, [
    { ref: state.ref, branch: issueBranch(state.ref.issueNumber), message, ...(merge ? { merge } : {}) },
  ]);
  state.recordCommit(commit);
  return commit.committed;
}

/** The merge of the base that the worktree holds, while its conflicts are to be resolved. */
export function pendingMerge(flow: Flow): PendingMerge | undefined {
  const { conflict } = flow.state.data;
  return conflict && { parent: conflict.baseSha, files: [...conflict.files] };
}
