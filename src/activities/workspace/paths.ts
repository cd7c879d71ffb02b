import { join, resolve } from 'node:path';
import type { IssueRef, RepoRef } from '../../domain/ids';

const safe = (name: string): string => {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') throw new Error(`Not a GitHub owner or repository name: ${JSON.stringify(name)}`);
  return name;
};

/** The bare mirror of a repository: `<dataDir>/repos/<owner>/<repo>.git`. */
export function mirrorPath(dataDir: string, ref: RepoRef): string {
  return resolve(join(dataDir, 'repos', safe(ref.owner), `${safe(ref.repo)}.git`));
}

/** The worktree of an issue: `<dataDir>/worktrees/<owner>/<repo>/issue-<n>`. */
export function worktreePath(dataDir: string, ref: IssueRef): string {
  return resolve(join(dataDir, 'worktrees', safe(ref.owner), safe(ref.repo), `issue-${ref.issueNumber}`));
}

/** The clone URL from the GIT_CLONE_URL template (`{owner}`, `{repo}`); never carries a token. */
export function cloneUrl(template: string, ref: RepoRef): string {
  return template.replace(/\{owner\}/g, safe(ref.owner)).replace(/\{repo\}/g, safe(ref.repo));
}
