/** A repository on GitHub. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** One issue of a repository; the unit of work of issueflow. */
export interface IssueRef extends RepoRef {
  issueNumber: number;
}

/** Where an activity works: the issue's own worktree, or that of one of its candidates (1, 2, ...). */
export interface WorkspaceRef extends IssueRef {
  candidate?: number;
}

/** The issue workflow's type name; a string so the API never loads workflow code. */
export const ISSUE_WORKFLOW_TYPE = 'issueWorkflow';

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

/** The branch of one candidate patch of an issue (deleted once a winner is on the issue's branch). */
export function candidateBranch(issueNumber: number, candidate: number): string {
  return `${issueBranch(issueNumber)}-candidate-${candidate}`;
}

/** The id of a candidate's child workflow. */
export function candidateWorkflowId(issueWorkflowId: string, candidate: number): string {
  return `${issueWorkflowId}/candidate-${candidate}`;
}

/** Reads the issue number back from an issueflow branch name. */
export function issueNumberOfBranch(branch: string): number | undefined {
  const m = /^issueflow\/issue-(\d+)$/.exec(branch);
  return m ? Number(m[1]) : undefined;
}
