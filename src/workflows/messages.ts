import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConversationEntry } from '../domain/prompt';
import type { IssueState } from '../domain/states';
import type { IssueStatus } from '../domain/status';
import type { FlowData } from './issue/flow-data';
import type * as Args from '../domain/messages';
import type { IssueWorkflowInput as IssueWorkflowStart } from '../domain/issue-workflow-input';

// The signals' argument types and the workflow's input live in the domain, which routes webhooks to them.
export type * from '../domain/messages';

/** What starts an issue's workflow, with the state a continue-as-new carries typed as the workflow's own. */
export type IssueWorkflowInput = IssueWorkflowStart<FlowData>;

export const commandSignal = defineSignal<[Args.CommandSignalArgs]>('command');
export const feedbackSignal = defineSignal<[Args.FeedbackSignalArgs]>('feedback');
export const issueEditedSignal = defineSignal<[Args.IssueEditedSignalArgs]>('issueEdited');
export const reviewSignal = defineSignal<[Args.ReviewSignalArgs]>('review');
export const pullRequestClosedSignal = defineSignal<[Args.PullRequestClosedSignalArgs]>('pullRequestClosed');
export const issueClosedSignal = defineSignal<[Args.IssueClosedSignalArgs]>('issueClosed');
export const checksChangedSignal = defineSignal<[Args.ChecksChangedSignalArgs]>('checksChanged');
/** Every signal of the issue workflow, by wire name: what the API sends a routed webhook as. */
export const ISSUE_SIGNALS = {
  command: commandSignal,
  feedback: feedbackSignal,
  issueEdited: issueEditedSignal,
  review: reviewSignal,
  pullRequestClosed: pullRequestClosedSignal,
  issueClosed: issueClosedSignal,
  checksChanged: checksChangedSignal,
} as const;

export const statusQuery = defineQuery<IssueStatus>('status');
/** What people said to issueflow on the issue and its PR (answers, plan feedback, reviews, instructions), for the dashboard. */
export const conversationQuery = defineQuery<ConversationEntry[]>('conversation');

/** What an issue's workflow returns when it ends. */
export interface IssueWorkflowResult {
  state: IssueState;
  /** How it ended: `merged`, `closed`, `idle`, `stale`, `failed`, `cancelled`. */
  outcome: 'merged' | 'closed' | 'idle' | 'stale' | 'failed' | 'cancelled';
  pullRequest?: { number: number; url: string };
}

/** `/agent approve` as an Update: the caller (API, CLI) learns whether the plan was waiting for approval. */
export interface ApproveUpdateArgs extends Args.DeliveredSignal {
  author: string;
}
/** The approve Update's answer; an approval while no plan waits is refused by its validator instead (no history). */
export interface ApproveUpdateResult {
  accepted: boolean;
  state: IssueState;
  reason?: string;
}
// An Update rather than a signal because the caller needs an answer: approving when no plan is
// waiting must be reported back ("nothing to approve") instead of being silently dropped.
export const approveUpdate = defineUpdate<ApproveUpdateResult, [ApproveUpdateArgs]>('approve');
