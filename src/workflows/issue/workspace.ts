import { issueBranch } from '../../domain/ids';
import type { Flow } from './phases';
import { summary } from './publish';

/** The worktree exists (rebuilt from the pushed branch after a long wait or a new run). */
export async function ensureWorkspace(flow: Flow): Promise<void> {
  const { state } = flow;
  if (state.data.workspaceReady) return;
  await flow.acts.prepareWorkspace.executeWithOptions({ summary: summary(flow, 'prepare workspace') }, [
    { ref: state.ref, branch: issueBranch(state.ref.issueNumber) },
  ]);
  state.data.workspaceUsed = true;
  state.data.workspaceReady = true;
}
