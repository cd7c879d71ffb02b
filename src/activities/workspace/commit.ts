import { existsSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import type { IssueRef } from '../../domain/ids';
import { FAILURE_TYPES, type CommitResult } from '../types';
import type { WorkspaceDeps } from './index';
import { mirrorPath, worktreePath } from './paths';
import { git, withLock } from './git';
import { gitOptions, remoteUrl } from './prepare';

const AUTHOR = { name: 'issueflow', email: 'issueflow@users.noreply.github.com' };

/** The commit message, with a trailer naming the issue unless the message already does. */
export function commitMessage(ref: IssueRef, message: string): string {
  const id = `${ref.owner}/${ref.repo}#${ref.issueNumber}`;
  const names = message.includes(id) || new RegExp(`#${ref.issueNumber}\\b`).test(message);
  return names ? message : `${message.trimEnd()}\n\nIssue: ${id}`;
}

/**
 * Commits every change in the worktree as issueflow and pushes the branch. Idempotent: with nothing
 * to commit it still pushes a commit that is not on the remote yet, and reports `pushed:false` when
 * the remote already has it.
 */
export async function commitAndPush(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string; message: string }): Promise<CommitResult> {
  const wt = worktreePath(deps.config.dataDir, input.ref);
  if (!existsSync(`${wt}/.git`)) {
    throw ApplicationFailure.create({
      message: `No worktree at ${wt}: the changes were made on another worker. Run the agent, commit and tests on the same worker (prepareWorkspace first).`,
      type: FAILURE_TYPES.gitFailed,
      nonRetryable: true,
    });
  }
  const o = await gitOptions(deps, input.ref, wt);
  await git(['add', '-A'], o);
  const staged = (await git(['diff', '--cached', '--name-only', '-z'], o)).stdout.split('\0').filter(Boolean);
  if (staged.length > 0) {
    const env = { GIT_AUTHOR_NAME: AUTHOR.name, GIT_AUTHOR_EMAIL: AUTHOR.email, GIT_COMMITTER_NAME: AUTHOR.name, GIT_COMMITTER_EMAIL: AUTHOR.email };
    // --no-verify: the repository's own hooks (husky, lint-staged) are not ours to run here.
    await git(['commit', '--quiet', '--no-verify', '-m', commitMessage(input.ref, input.message)], { ...o, extraEnv: env });
  }
  const sha = (await git(['rev-parse', 'HEAD'], o)).stdout;
  const push = await withLock(mirrorPath(deps.config.dataDir, input.ref), async () =>
    git(['push', '--porcelain', '--no-verify', remoteUrl(deps, input.ref), `HEAD:refs/heads/${input.branch}`], await gitOptions(deps, input.ref, wt, true)),
  );
  // Porcelain: one line per ref, flag '=' means the remote already had this commit.
  const line = push.stdout.split('\n').find((l) => l.includes(`:refs/heads/${input.branch}`)) ?? '';
  const pushed = line !== '' && !line.startsWith('=');
  deps.logger.info({ repo: `${input.ref.owner}/${input.ref.repo}`, issue: input.ref.issueNumber, sha, committed: staged.length > 0, pushed }, 'commit and push');
  return { committed: staged.length > 0, sha, filesChanged: staged, pushed };
}
