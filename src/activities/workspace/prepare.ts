import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IssueRef } from '../../domain/ids';
import type { WorkspaceDeps } from './index';
import { cloneUrl, mirrorPath, worktreePath } from './paths';
import { git, withLock, type GitOptions } from './git';

/** The options every git call of a workspace shares. */
export async function gitOptions(deps: WorkspaceDeps, ref: IssueRef, cwd: string, withToken = false): Promise<GitOptions> {
  if (!withToken) return { cwd, config: deps.config, env: deps.env };
  const token = await (deps.getToken ?? (async () => deps.config.github.token))(ref);
  return { cwd, config: deps.config, token, remoteUrl: remoteUrl(deps, ref), env: deps.env };
}

/**
 * The remote, always from GIT_CLONE_URL: calls that carry the token never trust `origin`, which an
 * agent could re-point from its worktree (the mirror's config is shared).
 */
export function remoteUrl(deps: WorkspaceDeps, ref: IssueRef): string {
  return cloneUrl(deps.config.github.cloneUrlTemplate, ref);
}

async function ensureMirror(deps: WorkspaceDeps, ref: IssueRef, mirror: string): Promise<void> {
  if (!existsSync(`${mirror}/HEAD`)) {
    await mkdir(dirname(mirror), { recursive: true });
    // Clone beside the final place and rename, so a crash never leaves a half-made mirror.
    const tmp = `${mirror}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await git(['clone', '--bare', '--quiet', remoteUrl(deps, ref), tmp], await gitOptions(deps, ref, dirname(mirror), true));
      await git(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'], await gitOptions(deps, ref, tmp));
      await rename(tmp, mirror);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  await git(['fetch', '--prune', '--quiet', remoteUrl(deps, ref), '+refs/heads/*:refs/remotes/origin/*'], await gitOptions(deps, ref, mirror, true));
}

async function defaultBranch(deps: WorkspaceDeps, ref: IssueRef, mirror: string): Promise<string> {
  const remote = await git(['ls-remote', '--symref', remoteUrl(deps, ref), 'HEAD'], await gitOptions(deps, ref, mirror, true));
  const m = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(remote.stdout);
  if (m) return m[1];
  const local = await git(['symbolic-ref', '--short', 'HEAD'], await gitOptions(deps, ref, mirror));
  return local.stdout;
}

async function revParse(deps: WorkspaceDeps, ref: IssueRef, cwd: string, rev: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--verify', '--quiet', rev], { ...(await gitOptions(deps, ref, cwd)), okCodes: [1] });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/**
 * Mirror + worktree on `branch`. A missing worktree is built from the pushed branch (or the default
 * branch); an existing clean one that is behind the pushed branch is fast-forwarded to it.
 */
export async function prepareWorkspace(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string }): Promise<{ baseBranch: string; headSha: string }> {
  const mirror = mirrorPath(deps.config.dataDir, input.ref);
  const wt = worktreePath(deps.config.dataDir, input.ref);
  return withLock(mirror, async () => {
    await ensureMirror(deps, input.ref, mirror);
    const baseBranch = await defaultBranch(deps, input.ref, mirror);
    const pushed = await revParse(deps, input.ref, mirror, `refs/remotes/origin/${input.branch}`);
    const local = await gitOptions(deps, input.ref, mirror);
    await git(['worktree', 'prune'], local);
    if (existsSync(`${wt}/.git`)) {
      const wtOptions = await gitOptions(deps, input.ref, wt);
      const head = await revParse(deps, input.ref, wt, 'HEAD');
      const clean = (await git(['status', '--porcelain'], wtOptions)).stdout === '';
      const behind = pushed && head !== pushed && (await git(['merge-base', '--is-ancestor', head ?? 'HEAD', pushed], { ...wtOptions, okCodes: [1] })).exitCode === 0;
      if (clean && behind) await git(['reset', '--hard', '--quiet', pushed], wtOptions);
    } else {
      await rm(wt, { recursive: true, force: true });
      await mkdir(dirname(wt), { recursive: true });
      const start = pushed ? `refs/remotes/origin/${input.branch}` : `refs/remotes/origin/${baseBranch}`;
      await git(['worktree', 'add', '--quiet', '--no-track', '-B', input.branch, wt, start], local);
    }
    deps.logger.info({ repo: `${input.ref.owner}/${input.ref.repo}`, issue: input.ref.issueNumber, branch: input.branch, fromPushed: !!pushed }, 'workspace ready');
    return { baseBranch, headSha: (await revParse(deps, input.ref, wt, 'HEAD')) ?? '' };
  });
}

/** Removes the issue's worktree and its local branch; the pushed branch stays for the pull request. */
export async function cleanupWorkspace(deps: WorkspaceDeps, input: { ref: IssueRef; branch: string }): Promise<void> {
  const mirror = mirrorPath(deps.config.dataDir, input.ref);
  const wt = worktreePath(deps.config.dataDir, input.ref);
  await withLock(mirror, async () => {
    if (existsSync(`${mirror}/HEAD`)) {
      const o = await gitOptions(deps, input.ref, mirror);
      if (existsSync(wt)) await git(['worktree', 'remove', '--force', wt], { ...o, okCodes: [128] });
      await rm(wt, { recursive: true, force: true });
      await git(['worktree', 'prune'], o);
      await git(['branch', '-D', input.branch], { ...o, okCodes: [1] });
    } else {
      await rm(wt, { recursive: true, force: true });
    }
  });
}
