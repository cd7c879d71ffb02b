import { join, resolve } from 'node:path';
import type { RepoRef, WorkspaceRef } from '../../domain/ids';

const safe = (name: string): string => {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') throw new Error(`Not a GitHub owner or repository name: ${JSON.stringify(name)}`);
  return name;
};

/** The bare mirror of a repository: `<dataDir>/repos/<owner>/<repo>.git`. */
export function mirrorPath(dataDir: string, ref: RepoRef): string {
  return resolve(join(dataDir, 'repos', safe(ref.owner), `${safe(ref.repo)}.git`));
}

/** `issue-<n>`, or `issue-<n>-candidate-<i>` for a candidate's own worktree, index and HOME. */
function workspaceName(ref: WorkspaceRef): string {
  if (ref.candidate === undefined) return `issue-${ref.issueNumber}`;
  if (!Number.isInteger(ref.candidate) || ref.candidate < 1) throw new Error(`Not a candidate number: ${JSON.stringify(ref.candidate)}`);
  return `issue-${ref.issueNumber}-candidate-${ref.candidate}`;
}

/** The worktree of an issue (or of one of its candidates): `<dataDir>/worktrees/<owner>/<repo>/issue-<n>`. */
export function worktreePath(dataDir: string, ref: WorkspaceRef): string {
  return resolve(join(dataDir, 'worktrees', safe(ref.owner), safe(ref.repo), workspaceName(ref)));
}

/** The clone URL from the GIT_CLONE_URL template (`{owner}`, `{repo}`); never carries a token. */
export function cloneUrl(template: string, ref: RepoRef): string {
  return template.replace(/\{owner\}/g, safe(ref.owner)).replace(/\{repo\}/g, safe(ref.repo));
}

/**
 * issueflow's own index of an issue's worktree, inside the mirror: the agent's worktree holds files
 * only as far as issueflow's git is concerned, never a `.git` that issueflow reads.
 */
export function indexPath(dataDir: string, ref: WorkspaceRef): string {
  return join(mirrorPath(dataDir, ref), 'issueflow', `index-${workspaceName(ref)}`);
}

/** The private HOME of the sandboxed runs (agent and repo commands): `<dataDir>/homes/...`. */
export function homePath(dataDir: string, ref: WorkspaceRef): string {
  return resolve(join(dataDir, 'homes', safe(ref.owner), safe(ref.repo), workspaceName(ref)));
}
