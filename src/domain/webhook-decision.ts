import type {
  ChecksChangedSignalArgs,
  CommandSignalArgs,
  FeedbackSignalArgs,
  IssueClosedSignalArgs,
  IssueEditedSignalArgs,
  PullRequestClosedSignalArgs,
  ReviewSignalArgs,
} from './messages';
import type { IssueWorkflowInput } from './issue-workflow-input';
import { issueWorkflowId, type IssueRef } from './ids';
import type { RepoScope } from './repo-scope';
import type { WebhookUser as User } from './webhook-payloads';

/** Who issueflow is on GitHub and what it listens to; from the service configuration. */
export interface RoutingOptions extends RepoScope {
  triggerLabel: string;
  /**
   * The id of issueflow's own GitHub user (the token's user or the App's bot user, learned at start), for
   * assignment and self-detection. An id, never a login or a marker: those can be copied or renamed.
   */
  appUserId?: number;
  /** The GitHub App id, to recognise comments made through the App (`performed_via_github_app`). */
  appId?: number;
}

export type SignalDecision =
  | { name: 'command'; args: CommandSignalArgs }
  | { name: 'feedback'; args: FeedbackSignalArgs }
  | { name: 'issueEdited'; args: IssueEditedSignalArgs }
  | { name: 'issueClosed'; args: IssueClosedSignalArgs }
  | { name: 'review'; args: ReviewSignalArgs }
  | { name: 'pullRequestClosed'; args: PullRequestClosedSignalArgs }
  | { name: 'checksChanged'; args: ChecksChangedSignalArgs };

/**
 * What one webhook delivery asks of issueflow. `start.orSignal` is sent instead when the workflow already
 * runs; `cancel.signal` is sent before the cancellation, so the run knows why it is cancelled.
 */
export type WebhookDecision =
  | { kind: 'start'; ref: IssueRef; workflowId: string; input: IssueWorkflowInput; orSignal?: SignalDecision }
  | ({ kind: 'signal'; ref: IssueRef; workflowId: string } & { signal: SignalDecision })
  | { kind: 'cancel'; ref: IssueRef; workflowId: string; signal?: SignalDecision }
  | { kind: 'ignore'; reason: string; ref?: IssueRef };

/** A delivery issueflow does not act on, and why. */
export const ignore = (reason: string, ref?: IssueRef): WebhookDecision => ({ kind: 'ignore', reason, ...(ref ? { ref } : {}) });

/** The delivery being routed, and whom for. */
export interface Ctx {
  event: string;
  owner: string;
  repo: string;
  deliveryId: string;
  options: RoutingOptions;
}

/** Bots (including issueflow itself) never drive a workflow; recognised by id, type and App, not by name. */
export function isBotOrSelf(user: User | null | undefined, options: RoutingOptions, viaAppId?: number): boolean {
  if (!user) return true;
  if (user.type === 'Bot') return true;
  if (options.appUserId !== undefined && user.id === options.appUserId) return true;
  return options.appId !== undefined && viaAppId === options.appId;
}

/**
 * Whether two users may be the same person, by id alone (a login can be renamed and taken over). Without
 * both ids nobody can tell, so the answer is yes: the checks that use it then deny, never grant.
 */
export const mayBeSameUser = (a: User | null | undefined, b: User | null | undefined) => typeof a?.id !== 'number' || typeof b?.id !== 'number' || a.id === b.id;

/** The issue's ref and its workflow's id. */
export function target(ctx: Ctx, issueNumber: number): { ref: IssueRef; workflowId: string } {
  const ref = { owner: ctx.owner, repo: ctx.repo, issueNumber };
  return { ref, workflowId: issueWorkflowId(ref) };
}

