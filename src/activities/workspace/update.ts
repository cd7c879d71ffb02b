import type { IssueRef } from '../../domain/ids';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, type UpdateBranchResult } from '../types';
import type { WorkspaceDeps } from './deps';
import { mirrorPath } from './paths';
import { git, withLock } from './git';
import { AUTHOR_ENV, commitMessage, isAncestor, pushBranch } from './commit';
import { defaultBranch, ensureMirror, gitOptions, revParse, treeOptions } from './prepare';

/**
 * Merges the newest base branch into the issue's branch, all in the mirror with issueflow's own index:
 * `git merge-tree --write-tree` merges without a worktree. A clean merge is committed (two parents),
 * written to the worktree and pushed. A conflicted one only writes the merged files, conflict markers
 * and all, to the worktree: the agent resolves them and `commitAndPush` with `merge` commits the merge.
 */
export async function updateBranch(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string }): Promise<UpdateBranchResult> {
  const { ref, branch } = input;
  const mirror = mirrorPath(deps.config.dataDir, ref);
  return withLock(mirror, async () => {
    await ensureMirror(deps, ref, mirror);
    const baseBranch = await defaultBranch(deps, ref, mirror);
    const local = await gitOptions(deps, ref, mirror);
    const head = await revParse(local, `refs/heads/${branch}`);
    const baseSha = await revParse(local, `refs/remotes/origin/${baseBranch}`);
    if (!head || !baseSha) {
      throw ApplicationFailure.create({ message: `No ${head ? baseBranch : branch} in the mirror: prepareWorkspace first.`, type: FAILURE_TYPES.gitFailed, nonRetryable: true });
    }
    const log = { repo: `${ref.owner}/${ref.repo}`, issue: ref.issueNumber, baseBranch, baseSha };
    if (await isAncestor(local, baseSha, head)) {
      // Also after a retry whose merge was made but not pushed.
      await pushBranch(deps, ref, branch);
      return { outcome: 'up-to-date', baseBranch, baseSha, sha: head };
    }
    // Names, not shas, so that the conflict markers say which side is which.
    const merge = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', branch, `origin/${baseBranch}`], { ...local, okCodes: [1] });
    const [tree, ...conflicted] = merge.stdout.split('\n').filter(Boolean);
    // The worktree gets the merged files (with markers where they conflict); the agent's `.git` is untouched.
    await git(['read-tree', '-u', '--reset', tree], treeOptions(deps, ref));
    if (merge.exitCode === 1) {
      const files = [...new Set(conflicted)];
      deps.logger.info({ ...log, files }, 'base branch conflicts');
      return { outcome: 'conflicted', baseBranch, baseSha, sha: head, files };
    }
    const message = commitMessage(ref, `Merge ${baseBranch} into ${branch}`);
    const sha = (await git(['commit-tree', tree, '-p', head, '-p', baseSha, '-m', message], { ...local, extraEnv: AUTHOR_ENV })).stdout;
    await git(['update-ref', `refs/heads/${branch}`, sha, head], local);
    await pushBranch(deps, ref, branch);
    deps.logger.info({ ...log, sha }, 'base branch merged');
    return { outcome: 'merged', baseBranch, baseSha, sha };
  });
}
