import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkspaceRef } from '../../domain/ids';
import { FAILURE_TYPES, type CommitResult, type PendingMerge } from '../types';
import type { WorkspaceDeps } from './deps';
import { indexPath, mirrorPath, worktreePath } from './paths';
import { git, withLock, type GitOptions } from './git';
import { gitOptions, remoteUrl, revParse, treeOptions } from './prepare';

const AUTHOR = { name: 'issueflow', email: 'issueflow@users.noreply.github.com' };
/** Git's environment for commits made as issueflow. */
export const AUTHOR_ENV = { GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email };

/** The commit message, with a trailer naming the issue unless the message already does. */
export function commitMessage(ref: WorkspaceRef, message: string): string {
  const id = `${ref.owner}/${ref.repo}#${ref.issueNumber}`;
  const names = message.includes(id) || new RegExp(`#${ref.issueNumber}\\b`).test(message);
  return names ? message : `${message.trimEnd()}\n\nIssue: ${id}`;
}

/**
 * Commits every change in the worktree as issueflow and pushes the branch, all from the mirror that
 * only issueflow writes (the worktree gives its files, nothing else). Idempotent: with nothing to
 * commit it still pushes a commit that is not on the remote yet, and reports `pushed:false` when the
 * remote already has it.
 */
export async function commitAndPush(deps: WorkspaceDeps, input: { ref: WorkspaceRef; branch: string; message: string; merge?: PendingMerge; diffFrom?: string }): Promise<CommitResult> {
  const { ref, branch } = input;
  const wt = worktreePath(deps.config.dataDir, ref);
  const mirror = mirrorPath(deps.config.dataDir, ref);
  const local = await gitOptions(deps, ref, mirror);
  const parent = await revParse(local, `refs/heads/${branch}`);
  if (!existsSync(wt) || !existsSync(indexPath(deps.config.dataDir, ref)) || !parent) {
    throw ApplicationFailure.create({
      message: `No worktree at ${wt}: the changes were made on another worker. Run the agent, commit and tests on the same worker (prepareWorkspace first).`,
      type: FAILURE_TYPES.gitFailed,
      nonRetryable: true,
    });
  }
  if (input.merge) assertResolved(wt, input.merge.files);
  const tree = treeOptions(deps, ref);
  await git(['add', '--all'], tree);
  const written = (await git(['write-tree'], tree)).stdout;
  const parentTree = (await git(['rev-parse', `${parent}^{tree}`], local)).stdout;
  let sha = parent;
  let filesChanged: string[] = [];
  // A merge is committed even when its tree is the branch's own: its second parent is what makes the PR mergeable.
  const merging = input.merge !== undefined && !(await isAncestor(local, input.merge.parent, parent));
  if (written !== parentTree || merging) {
    const parents = ['-p', parent, ...(merging ? ['-p', input.merge!.parent] : [])];
    sha = (await git(['commit-tree', written, ...parents, '-m', commitMessage(ref, input.message)], { ...local, extraEnv: AUTHOR_ENV })).stdout;
    await git(['update-ref', `refs/heads/${branch}`, sha, parent], local);
    const diff = (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', parent, sha], local)).stdout.split('\0').filter(Boolean);
    // A merge brings the base's changes too; the work of this round is only what resolved the conflicts.
    filesChanged = merging ? diff.filter((f) => input.merge!.files.includes(f)) : diff;
  }
  const pushed = await withLock(mirror, () => pushBranch(deps, ref, branch));
  const committed = sha !== parent;
  deps.logger.info({ repo: `${ref.owner}/${ref.repo}`, issue: ref.issueNumber, sha, committed, pushed }, 'commit and push');
  const linesChanged = input.diffFrom ? await countLines(local, input.diffFrom, sha) : undefined;
  return { committed, sha, filesChanged, pushed, ...(linesChanged !== undefined ? { linesChanged } : {}) };
}

/** Lines added plus removed from `from` to `to` (a binary file counts as one line). */
async function countLines(o: GitOptions, from: string, to: string): Promise<number> {
  const numstat = (await git(['diff', '--numstat', '--no-renames', from, to], o)).stdout;
  return numstat
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => {
      const [added, removed] = line.split('\t');
      return sum + (added === '-' ? 1 : Number(added) + Number(removed));
    }, 0);
}

/** Pushes the mirror's `branch` to GIT_CLONE_URL (call it holding the mirror's lock); false when the remote already had it. */
export async function pushBranch(deps: WorkspaceDeps, ref: WorkspaceRef, branch: string): Promise<boolean> {
  const mirror = mirrorPath(deps.config.dataDir, ref);
  const push = await git(['push', '--porcelain', '--no-verify', remoteUrl(deps, ref), `refs/heads/${branch}:refs/heads/${branch}`], await gitOptions(deps, ref, mirror, true));
  // Porcelain: one line per ref, flag '=' means the remote already had this commit.
  const line = push.stdout.split('\n').find((l) => l.includes(`:refs/heads/${branch}`)) ?? '';
  return line !== '' && !line.startsWith('=');
}

/** Whether `a` is an ancestor of (or is) `b`. */
export async function isAncestor(o: GitOptions, a: string, b: string): Promise<boolean> {
  return (await git(['merge-base', '--is-ancestor', a, b], { ...o, okCodes: [1] })).exitCode === 0;
}

const MARKER = /^(<{7}|>{7})( |$)/m;

/** A merge is never committed with conflict markers left: the agent was asked to resolve them. */
function assertResolved(wt: string, files: string[]): void {
  const left = files.filter((f) => {
    const path = resolve(wt, f);
    return path.startsWith(`${wt}/`) && existsSync(path) && MARKER.test(readFileSync(path, 'utf8'));
  });
  if (!left.length) return;
  throw ApplicationFailure.create({
    message: `Conflict markers are still in ${left.map((f) => `\`${f}\``).join(', ')}: resolve them on the branch (or ask again with \`/agent retry\`).`,
    type: FAILURE_TYPES.conflictUnresolved,
    nonRetryable: true,
  });
}
