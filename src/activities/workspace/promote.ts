import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IssueRef } from '../../domain/ids';
import type { WorkspaceDeps } from './deps';
import { indexPath, mirrorPath, worktreePath } from './paths';
import { git, withLock } from './git';
import { ensureMirror, gitOptions, remoteUrl, revParse } from './prepare';

/**
 * The winning candidate's commit `sha` becomes the issue's `branch` on the remote, leased on what the
 * remote had (a push by anyone else meanwhile fails the lease rather than being overwritten); the issue's
 * local branch and index go, so its next prepare rebuilds the worktree from the pushed commit. Then the
 * branches of `drop` (the candidates') are deleted from the remote and the mirror. Idempotent: a second
 * run finds the branch at `sha` and the dropped branches gone, and does nothing more.
 */
export async function promoteCandidate(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string; sha: string; drop: string[] }): Promise<{ pushed: boolean; deleted: string[] }> {
  const { ref, branch, sha, drop } = input;
  const mirror = mirrorPath(deps.config.dataDir, ref);
  return withLock(mirror, async () => {
    // The candidate pushed from whichever worker ran it: the fetch brings its commit here.
    await ensureMirror(deps, ref, mirror);
    const local = await gitOptions(deps, ref, mirror);
    const remote = await gitOptions(deps, ref, mirror, true);
    const had = await revParse(local, `refs/remotes/origin/${branch}`);
    const pushed = had !== sha;
    if (pushed) {
      await git(['push', '--porcelain', '--no-verify', `--force-with-lease=refs/heads/${branch}:${had ?? ''}`, remoteUrl(deps, ref), `${sha}:refs/heads/${branch}`], remote);
      await git(['update-ref', `refs/remotes/origin/${branch}`, sha], local);
    }
    await rm(worktreePath(deps.config.dataDir, ref), { recursive: true, force: true });
    await rm(indexPath(deps.config.dataDir, ref), { force: true });
    await git(['update-ref', '-d', `refs/heads/${branch}`], local);
    const deleted = await dropBranches(deps, ref, drop);
    deps.logger.info({ repo: `${ref.owner}/${ref.repo}`, issue: ref.issueNumber, branch, sha, pushed, deleted }, 'candidate promoted');
    return { pushed, deleted };
  });
}

/** Deletes the remote's branches of `drop` that it has, and the mirror's copies; returns those deleted. Call it holding the mirror's lock. */
async function dropBranches(deps: WorkspaceDeps, ref: IssueRef, drop: string[]): Promise<string[]> {
  const mirror = mirrorPath(deps.config.dataDir, ref);
  const local = await gitOptions(deps, ref, mirror);
  const remote = await gitOptions(deps, ref, mirror, true);
  const listed = drop.length ? (await git(['ls-remote', '--heads', remoteUrl(deps, ref), ...drop.map((b) => `refs/heads/${b}`)], remote)).stdout : '';
  const present = new Set(listed.split('\n').map((line) => line.split('\t')[1]));
  const deleted = drop.filter((b) => present.has(`refs/heads/${b}`));
  if (deleted.length) await git(['push', '--porcelain', '--no-verify', remoteUrl(deps, ref), ...deleted.map((b) => `:refs/heads/${b}`)], remote);
  if (existsSync(`${mirror}/HEAD`)) {
    for (const b of drop) {
      await git(['update-ref', '-d', `refs/heads/${b}`], local);
      await git(['update-ref', '-d', `refs/remotes/origin/${b}`], local);
    }
  }
  return deleted;
}

/** Deletes `branches` from the remote and the mirror (the candidates' of a story cancelled while they ran). Idempotent. */
export function deleteBranches(deps: WorkspaceDeps, input: { ref: IssueRef; branches: string[] }): Promise<{ deleted: string[] }> {
  const mirror = mirrorPath(deps.config.dataDir, input.ref);
  return withLock(mirror, async () => {
    // Any worker may take it (shared queue): one that never held this repository makes its mirror first.
    await ensureMirror(deps, input.ref, mirror);
    const deleted = await dropBranches(deps, input.ref, input.branches);
    deps.logger.info({ repo: `${input.ref.owner}/${input.ref.repo}`, issue: input.ref.issueNumber, deleted }, 'branches deleted');
    return { deleted };
  });
}
