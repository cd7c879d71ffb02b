/**
 * The arguments of the issue workflow's signals: what the webhook routing decides to send and the
 * workflow receives. Pure types; the signals themselves are defined in src/workflows/messages.ts.
 */
import type { AgentCommandName } from './commands';

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
