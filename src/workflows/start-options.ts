import type { SearchAttributePair } from '@temporalio/common';
import { issueBranch, issueWorkflowId } from '../domain/ids';
import { ISSUE_ATTR, REPO_ATTR, STATE_ATTR } from '../domain/search-attributes';
import type { IssueWorkflowInput } from './messages';

/** Everything of a start that depends on the issue alone; the caller adds `taskQueue`. */
export interface IssueWorkflowStartOptions {
  workflowId: string;
  args: [IssueWorkflowInput];
  staticSummary: string;
  staticDetails: string;
  typedSearchAttributes: SearchAttributePair[];
}

/**
 * The options to start an issue's workflow with (the API starts issues; the CLI asks the API):
 * `client.workflow.start(issueWorkflow, { taskQueue, ...workflowStartOptions(input) })`.
 * The search attributes start at `queued`; the workflow upserts the state from there. Pure.
 */
export function workflowStartOptions(input: IssueWorkflowInput): IssueWorkflowStartOptions {
  const ref = { owner: input.owner, repo: input.repo, issueNumber: input.issueNumber };
  const repo = `${input.owner}/${input.repo}`;
  const issueUrl = `https://github.com/${repo}/issues/${input.issueNumber}`;
  return {
    workflowId: issueWorkflowId(ref),
    args: [input],
    staticSummary: `${repo}#${input.issueNumber}`,
    staticDetails: [
      `**Issue:** [${repo}#${input.issueNumber}](${issueUrl})`,
      `**Started by:** ${input.trigger.kind} from @${input.trigger.actor} (delivery \`${input.trigger.deliveryId}\`)`,
      `**Branch:** \`${issueBranch(input.issueNumber)}\``,
    ].join('\n'),
    typedSearchAttributes: [
      { key: REPO_ATTR, value: repo },
      { key: ISSUE_ATTR, value: input.issueNumber },
      { key: STATE_ATTR, value: 'queued' },
    ],
  };
}
