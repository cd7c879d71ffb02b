import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, registered on the embedded server and upserted at each transition. */
export const REPO_ATTR = defineSearchAttributeKey('IssueflowRepo', SearchAttributeType.KEYWORD);
export const ISSUE_ATTR = defineSearchAttributeKey('IssueflowIssue', SearchAttributeType.INT);
export const STATE_ATTR = defineSearchAttributeKey('IssueflowState', SearchAttributeType.KEYWORD);
export const AGENT_ATTR = defineSearchAttributeKey('IssueflowAgent', SearchAttributeType.KEYWORD);

/** What the issue's agent runs have cost so far (USD), to list the expensive issues. */
export const COST_ATTR = defineSearchAttributeKey('IssueflowCostUsd', SearchAttributeType.DOUBLE);

export const ISSUEFLOW_SEARCH_ATTRIBUTES = [REPO_ATTR, ISSUE_ATTR, STATE_ATTR, AGENT_ATTR, COST_ATTR];
