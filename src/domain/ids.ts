/** A repository on GitHub. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** One issue of a repository; the unit of work of issueflow. */
export interface IssueRef extends RepoRef {
  issueNumber: number;
}

/** The id of an issue's workflow: one per issue, `{owner}/{repo}#{number}`. */
export function issueWorkflowId(ref: IssueRef): string {
  return `${ref.owner}/${ref.repo}#${ref.issueNumber}`;
}

/** Reads a workflow id back into its issue, or undefined when it is not an issue workflow id. */
export function parseIssueWorkflowId(id: string): IssueRef | undefined {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d+)$/.exec(id);
  return m ? { owner: m[1], repo: m[2], issueNumber: Number(m[3]) } : undefined;
}

/** The branch issueflow works on for an issue. */
export function issueBranch(issueNumber: number): string {
  return `issueflow/issue-${issueNumber}`;
}

/** Reads the issue number back from an issueflow branch name. */
export function issueNumberOfBranch(branch: string): number | undefined {
  const m = /^issueflow\/issue-(\d+)$/.exec(branch);
  return m ? Number(m[1]) : undefined;
}
