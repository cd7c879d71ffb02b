import { existsSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { IssueRef } from '../../domain/ids';
import { FAILURE_TYPES, type CommitResult } from '../types';
import type { WorkspaceDeps } from './index';
import { indexPath, mirrorPath, worktreePath } from './paths';
import { git, withLock } from './git';
import { gitOptions, remoteUrl, revParse, treeOptions } from './prepare';

const AUTHOR = { name: 'issueflow', email: 'issueflow@users.noreply.github.com' };

/** The commit message, with a trailer naming the issue unless the message already does. */
export function commitMessage(ref: IssueRef, message: string): string {
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
export async function commitAndPush(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string; message: string }): Promise<CommitResult> {
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
  const tree = treeOptions(deps, ref);
  await git(['add', '--all'], tree);
  const written = (await git(['write-tree'], tree)).stdout;
  const parentTree = (await git(['rev-parse', `${parent}^{tree}`], local)).stdout;
  let sha = parent;
  let filesChanged: string[] = [];
  if (written !== parentTree) {
    const env = { GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email };
    sha = (await git(['commit-tree', written, '-p', parent, '-m', commitMessage(ref, input.message)], { ...local, extraEnv: env })).stdout;
    await git(['update-ref', `refs/heads/${branch}`, sha, parent], local);
    filesChanged = (await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', parent, sha], local)).stdout.split('\0').filter(Boolean);
  }
  const push = await withLock(mirror, async () =>
    git(['push', '--porcelain', '--no-verify', remoteUrl(deps, ref), `refs/heads/${branch}:refs/heads/${branch}`], await gitOptions(deps, ref, mirror, true)),
  );
  // Porcelain: one line per ref, flag '=' means the remote already had this commit.
  const line = push.stdout.split('\n').find((l) => l.includes(`:refs/heads/${branch}`)) ?? '';
  const pushed = line !== '' && !line.startsWith('=');
  deps.logger.info({ repo: `${ref.owner}/${ref.repo}`, issue: ref.issueNumber, sha, committed: filesChanged.length > 0, pushed }, 'commit and push');
  return { committed: filesChanged.length > 0, sha, filesChanged, pushed };
}
