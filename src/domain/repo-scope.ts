/** Which repositories issueflow serves: ALLOWED_REPOS and ALLOWED_OWNERS. */
export interface RepoScope {
  /** `owner/repo` names, or `*` for every repository; case-insensitive. */
  allowedRepos: readonly string[];
  /** Users or organisations all of whose repositories are served; case-insensitive. */
  allowedOwners: readonly string[];
}

/** `ALLOWED_REPOS=*`: every repository that reaches issueflow, chosen on purpose. */
export const ALL_REPOS = '*';

/** Whether issueflow serves `owner/repo`: both lists empty (a token reaches only its own repos) or `*` serves all. */
export function servesRepo(scope: RepoScope, owner: string, repo: string): boolean {
  const { allowedRepos, allowedOwners } = scope;
  if (allowedRepos.includes(ALL_REPOS) || (!allowedRepos.length && !allowedOwners.length)) return true;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return allowedRepos.some((r) => same(r, `${owner}/${repo}`)) || allowedOwners.some((o) => same(o, owner));
}
