import type { WorkspaceActivities } from '../types';
import type { WorkspaceDeps } from './deps';
import { commitAndPush } from './commit';
import { cleanupWorkspace, prepareWorkspace } from './prepare';
import { deleteBranches, promoteCandidate } from './promote';
import { runTests } from './run-tests';
import { updateBranch } from './update';
import { heartbeating } from '../heartbeat';

export { mirrorPath, worktreePath, cloneUrl } from './paths';
export type { WorkspaceDeps } from './deps';

/**
 * The git workspace activities: a bare mirror per repository and a worktree per issue under
 * `config.dataDir`, commits as issueflow, pushes with the token in an http header only, and test runs.
 * Each heartbeats twice a second while it runs (a long clone or push, the wait for the mirror's lock),
 * so a short heartbeat time-out notices a lost worker without cutting off a slow git.
 */
export function createWorkspaceActivities(deps: WorkspaceDeps): WorkspaceActivities {
  return {
    prepareWorkspace: (input) => heartbeating(() => prepareWorkspace(deps, input)),
    commitAndPush: (input) => heartbeating(() => commitAndPush(deps, input)),
    updateBranch: (input) => heartbeating(() => updateBranch(deps, input)),
    runTests: (input) => runTests(deps, input),
    cleanupWorkspace: (input) => heartbeating(() => cleanupWorkspace(deps, input)),
    promoteCandidate: (input) => heartbeating(() => promoteCandidate(deps, input)),
    deleteBranches: (input) => heartbeating(() => deleteBranches(deps, input)),
  };
}
