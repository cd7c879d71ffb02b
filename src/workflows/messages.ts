import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgentCommandName } from '../domain/commands';
import type { ConversationEntry } from '../domain/prompt';
import type { IssueState } from '../domain/states';
import type { IssueStatus } from '../domain/status';

/** Every signal carries the GitHub delivery id (or an API request id) so a redelivery is ignored. */
export interface DeliveredSignal {
  deliveryId: string;
}

/** A `/agent <command>` from an authorized user, from an issue or PR comment, the API or the CLI. */
export interface CommandSignalArgs extends DeliveredSignal {
  command: AgentCommandName;
  args?: string;
  author: string;
  commentId?: number;
  source: 'issue-comment' | 'pr-comment' | 'api';
}

/** A free-text reply in the issue: an answer to a question or a change request for a plan. */
export interface FeedbackSignalArgs extends DeliveredSignal {
  author: string;
  body: string;
  commentId?: number;
  /** The author has write access (owner, member, collaborator). Absent (older senders) counts as false. */
  trusted?: boolean;
}

/** The issue's title or body was edited. */
export interface IssueEditedSignalArgs extends DeliveredSignal {
  title: string;
  body: string;
  author: string;
  /** The editor has write access. Absent (older senders) counts as false. */
  trusted?: boolean;
}

/** A review, a review comment or a comment on issueflow's pull request: another round of work. */
export interface ReviewSignalArgs extends DeliveredSignal {
  kind: 'review' | 'review-comment' | 'pr-comment';
  author: string;
  body: string;
  pullRequestNumber: number;
  path?: string;
  line?: number;
  reviewState?: string;
}

/** The issue was closed as completed (by a person, or by GitHub for a merged PR that fixes it); a cancellation follows. */
export interface IssueClosedSignalArgs extends DeliveredSignal {
  stateReason: 'completed';
  by: string;
}

/** issueflow's pull request was merged or closed. */
export interface PullRequestClosedSignalArgs extends DeliveredSignal {
  pullRequestNumber: number;
  merged: boolean;
}

/** A check suite, check run or commit status changed on issueflow's branch: read the checks again. */
export interface ChecksChangedSignalArgs extends DeliveredSignal {
  sha: string;
}

export const commandSignal = defineSignal<[CommandSignalArgs]>('command');
export const feedbackSignal = defineSignal<[FeedbackSignalArgs]>('feedback');
export const issueEditedSignal = defineSignal<[IssueEditedSignalArgs]>('issueEdited');
export const reviewSignal = defineSignal<[ReviewSignalArgs]>('review');
export const pullRequestClosedSignal = defineSignal<[PullRequestClosedSignalArgs]>('pullRequestClosed');
export const issueClosedSignal = defineSignal<[IssueClosedSignalArgs]>('issueClosed');
export const checksChangedSignal = defineSignal<[ChecksChangedSignalArgs]>('checksChanged');
export const statusQuery = defineQuery<IssueStatus>('status');
/** What people said to issueflow on the issue and its PR (answers, plan feedback, reviews, instructions), for the dashboard. */
export const conversationQuery = defineQuery<ConversationEntry[]>('conversation');

/** What starts an issue's workflow. */
export interface IssueWorkflowInput {
  owner: string;
  repo: string;
  issueNumber: number;
  /** `earlierStory`: the issue was reopened or carries a state label, so a PR of an earlier story may exist. */
  trigger: { deliveryId: string; kind: 'opened' | 'labeled' | 'assigned' | 'reopened' | 'command'; actor: string; earlierStory?: boolean };
  /** GitHub App installation, when issueflow runs as an App. */
  installationId?: number;
  /** Set by continue-as-new: the state to carry on with. Ignored (with a warning) in a run not continued from another. */
  carried?: unknown;
  /** Base URL of the Temporal UI (TEMPORAL_UI_URL), linked from the status comment. */
  temporalUiUrl?: string;
  /**
   * Continue as new once the history has this many events, besides the server's suggestion. An ops
   * knob for very chatty issues, and how the tests force a continue-as-new.
   */
  continueAsNewAtHistoryLength?: number;
}

/** What an issue's workflow returns when it ends. */
export interface IssueWorkflowResult {
  state: IssueState;
  /** How it ended: `merged`, `closed`, `idle`, `stale`, `failed`, `cancelled`. */
  outcome: 'merged' | 'closed' | 'idle' | 'stale' | 'failed' | 'cancelled';
  pullRequest?: { number: number; url: string };
}

/** `/agent approve` as an Update: the caller (API, CLI) learns whether the plan was waiting for approval. */
export interface ApproveUpdateArgs extends DeliveredSignal {
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
