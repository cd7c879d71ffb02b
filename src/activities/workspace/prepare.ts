import { existsSync, lstatSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { WorkspaceRef } from '../../domain/ids';
import type { WorkspaceDeps } from './deps';
import { cloneUrl, homePath, indexPath, mirrorPath, worktreePath } from './paths';
import { git, withLock, type GitOptions } from './git';

/** The options every git call of a workspace shares. */
export async function gitOptions(deps: WorkspaceDeps, ref: WorkspaceRef, cwd: string, withToken = false): Promise<GitOptions> {
  if (!withToken) return { cwd, config: deps.config, env: deps.env };
  const token = await (deps.getToken ?? (async () => deps.config.github.token))(ref);
  return { cwd, config: deps.config, token, remoteUrl: remoteUrl(deps, ref), env: deps.env };
}

/**
 * Git on the issue's worktree as issueflow sees it: the mirror's objects and refs, issueflow's own
 * index, and the worktree's files. Whatever the agent writes into a `.git` of the worktree (config,
 * hooks, alternates) is never read: the repository is named by GIT_DIR, not found by discovery.
 */
export function treeOptions(deps: WorkspaceDeps, ref: WorkspaceRef): GitOptions {
  const gitDir = mirrorPath(deps.config.dataDir, ref);
  const extraEnv = { GIT_DIR: gitDir, GIT_WORK_TREE: worktreePath(deps.config.dataDir, ref), GIT_INDEX_FILE: indexPath(deps.config.dataDir, ref) };
  return { cwd: gitDir, config: deps.config, env: deps.env, extraEnv };
}

/**
 * The remote, always from GIT_CLONE_URL: calls that carry the token never trust a configured remote.
 */
export function remoteUrl(deps: WorkspaceDeps, ref: WorkspaceRef): string {
  return cloneUrl(deps.config.github.cloneUrlTemplate, ref);
}

/** Clones the bare mirror when missing and fetches every branch into `refs/remotes/origin/*`. */
export async function ensureMirror(deps: WorkspaceDeps, ref: WorkspaceRef, mirror: string): Promise<void> {
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

/** The remote's default branch (its HEAD), else the mirror's. */
export async function defaultBranch(deps: WorkspaceDeps, ref: WorkspaceRef, mirror: string): Promise<string> {
  const remote = await git(['ls-remote', '--symref', remoteUrl(deps, ref), 'HEAD'], await gitOptions(deps, ref, mirror, true));
  const m = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(remote.stdout);
  if (m) return m[1];
  const local = await git(['symbolic-ref', '--short', 'HEAD'], await gitOptions(deps, ref, mirror));
  return local.stdout;
}

/** The commit a revision names in `cwd`'s repository, or undefined. */
export async function revParse(o: GitOptions, rev: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { ...o, okCodes: [1] });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Whether the worktree's files are exactly the branch's commit (nothing to add, nothing staged). */
async function isClean(tree: GitOptions, branch: string): Promise<boolean> {
  await git(['update-index', '-q', '--refresh'], { ...tree, okCodes: [1] });
  if ((await git(['add', '--all', '--dry-run'], tree)).stdout !== '') return false;
  return (await git(['diff-index', '--cached', '--quiet', `refs/heads/${branch}`, '--'], { ...tree, okCodes: [1] })).exitCode === 0;
}

/**
 * A new worktree at `start`: a shallow clone of the mirror for the agent's own use (its `git diff`
 * and `git log`), made before the agent ever ran, and issueflow's index of the same commit.
 */
async function createWorktree(deps: WorkspaceDeps, ref: WorkspaceRef, branch: string, start: string): Promise<void> {
  const mirror = mirrorPath(deps.config.dataDir, ref);
  const wt = worktreePath(deps.config.dataDir, ref);
  const tree = treeOptions(deps, ref);
  await rm(wt, { recursive: true, force: true });
  await rm(indexPath(deps.config.dataDir, ref), { force: true });
  await mkdir(dirname(wt), { recursive: true });
  await mkdir(dirname(indexPath(deps.config.dataDir, ref)), { recursive: true });
  const local = await gitOptions(deps, ref, mirror);
  await git(['update-ref', `refs/heads/${branch}`, start], local);
  await git(['clone', '--quiet', '--depth', '1', '--branch', branch, `file://${mirror}`, wt], await gitOptions(deps, ref, dirname(wt)));
  await git(['read-tree', `refs/heads/${branch}`], tree);
  await git(['update-index', '-q', '--refresh'], { ...tree, okCodes: [1] });
}

/**
 * Mirror + worktree on `branch`. A missing worktree is built from the local branch (a commit not yet
 * pushed), else the pushed branch, else the pushed `startFrom` (a candidate starts from the issue's branch), else the default branch; an existing clean one that is behind the
 * pushed branch is moved to it.
 */
export async function prepareWorkspace(deps: WorkspaceDeps, input: { ref: WorkspaceRef; branch: string; startFrom?: string }): Promise<{ baseBranch: string; headSha: string; rebuilt: boolean }> {
  const { ref, branch } = input;
  const mirror = mirrorPath(deps.config.dataDir, ref);
  const wt = worktreePath(deps.config.dataDir, ref);
  return withLock(mirror, async () => {
    await ensureMirror(deps, ref, mirror);
    const baseBranch = await defaultBranch(deps, ref, mirror);
    const local = await gitOptions(deps, ref, mirror);
    const pushed = await revParse(local, `refs/remotes/origin/${branch}`);
    const head = await revParse(local, `refs/heads/${branch}`);
    const tree = treeOptions(deps, ref);
    // Linked worktrees of an earlier layout are forgotten; their directories are rebuilt below.
    await git(['worktree', 'prune'], local);
    const ours = head && existsSync(indexPath(deps.config.dataDir, ref)) && isDirectory(wt) && !isFile(`${wt}/.git`);
    if (!ours) {
      const from = input.startFrom ? await revParse(local, `refs/remotes/origin/${input.startFrom}`) : undefined;
      await createWorktree(deps, ref, branch, head ?? pushed ?? from ?? (await revParse(local, `refs/remotes/origin/${baseBranch}`)) ?? baseBranch);
    } else if (pushed && head !== pushed && (await isClean(tree, branch))) {
      const behind = (await git(['merge-base', '--is-ancestor', head, pushed], { ...local, okCodes: [1] })).exitCode === 0;
      if (behind) {
        await git(['read-tree', '-u', '--reset', pushed], tree);
        await git(['update-ref', `refs/heads/${branch}`, pushed, head], local);
      }
    }
    await mkdir(homePath(deps.config.dataDir, ref), { recursive: true });
    deps.logger.info({ repo: `${ref.owner}/${ref.repo}`, issue: ref.issueNumber, branch, fromPushed: !!pushed, rebuilt: !ours }, 'workspace ready');
    return { baseBranch, headSha: (await revParse(local, `refs/heads/${branch}`)) ?? '', rebuilt: !ours };
  });
}

const isDirectory = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
/** An earlier layout's linked worktree has a `.git` file pointing into the mirror. */
const isFile = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isFile() === true;

/** Removes the issue's worktree, index, private HOME and local branch; the pushed branch stays for the pull request. */
export async function cleanupWorkspace(deps: WorkspaceDeps, input: { ref: WorkspaceRef; branch: string }): Promise<void> {
  const mirror = mirrorPath(deps.config.dataDir, input.ref);
  await withLock(mirror, async () => {
    await rm(worktreePath(deps.config.dataDir, input.ref), { recursive: true, force: true });
    await rm(homePath(deps.config.dataDir, input.ref), { recursive: true, force: true });
    await rm(indexPath(deps.config.dataDir, input.ref), { force: true });
    if (existsSync(`${mirror}/HEAD`)) {
      const o = await gitOptions(deps, input.ref, mirror);
      await git(['worktree', 'prune'], o);
      await git(['update-ref', '-d', `refs/heads/${input.branch}`], o);
    }
  });
}
