import { branchSha } from '../../support/git-repos';
import type { StandinCheckRun } from '../../support/github-standin/store';
import type { E2E } from './e2e';
import type { E2EIssue } from './observe';

/** What a test says of a check: its state (null: still running), its output and its job's log. */
export interface CheckReport {
  conclusion: StandinCheckRun['conclusion'];
  output?: Partial<StandinCheckRun['output']>;
  log?: string;
}

/** The head commit of issueflow's branch for the issue, in the real bare repo issueflow pushed to. */
export function headOf(e2e: E2E, issue: E2EIssue): string {
  const sha = branchSha(e2e.bare.bareDir, `issueflow/issue-${issue.number}`);
  if (!sha) throw new Error(`issueflow/issue-${issue.number} has not been pushed yet`);
  return sha;
}

/**
 * Reports a GitHub Actions check run named `name` on the issue's PR head, as CI would; its `check_run`
 * webhook is delivered to issueflow (the harness delivers the stand-in's webhooks). Returns the head.
 */
export function setCheckOnHead(e2e: E2E, issue: E2EIssue, name: string, report: CheckReport): string {
  const sha = headOf(e2e, issue);
  e2e.standin.setCheck(e2e.repo, { sha, branch: `issueflow/issue-${issue.number}`, name, ...report });
  return sha;
}
