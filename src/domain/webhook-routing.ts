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
import { parseComment } from './commands';
import { issueNumberOfBranch, issueWorkflowId, type IssueRef } from './ids';
import { isTrustedAssociation as trusted } from './trust';
import { isStateLabel } from './labels';
import { servesRepo, type RepoScope } from './repo-scope';

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

interface User {
  id?: number;
  login?: string;
  type?: string;
}
// A fork's repo is null once the fork is deleted.
type PullRequestSide = { ref?: string; repo?: { id?: number } | null };
// The parts of GitHub's payloads issueflow reads; everything optional because payloads are untrusted input.
interface Payload {
  action?: string;
  installation?: { id?: number };
  repository?: { name?: string; full_name?: string; owner?: { login?: string } };
  sender?: User;
  label?: { name?: string };
  assignee?: User | null;
  issue?: { number?: number; title?: string; body?: string | null; user?: User; author_association?: string; labels?: Array<{ name?: string }>; pull_request?: unknown; state_reason?: string | null };
  comment?: { id?: number; body?: string | null; user?: User; author_association?: string; path?: string; line?: number | null; performed_via_github_app?: { id?: number } | null };
  review?: { body?: string | null; user?: User; author_association?: string; state?: string };
  pull_request?: { number?: number; merged?: boolean; body?: string | null; head?: PullRequestSide; base?: PullRequestSide };
  check_suite?: { head_branch?: string | null; head_sha?: string };
  check_run?: { head_sha?: string; check_suite?: { head_branch?: string | null } };
  sha?: string;
  branches?: Array<{ name?: string }>;
}

const ignore = (reason: string, ref?: IssueRef): WebhookDecision => ({ kind: 'ignore', reason, ...(ref ? { ref } : {}) });

/** Maps a verified GitHub delivery to a start, a signal, a cancel or a reasoned ignore. Pure: no I/O. */
export function routeWebhook(event: string, raw: unknown, deliveryId: string, options: RoutingOptions): WebhookDecision {
  const p = (raw ?? {}) as Payload;
  const owner = p.repository?.owner?.login;
  const repo = p.repository?.name;
  if (!owner || !repo) return ignore(`${event} without a repository`);
  if (!servesRepo(options, owner, repo)) return ignore(`repository ${owner}/${repo} is not in ALLOWED_REPOS or ALLOWED_OWNERS`);
  const ctx: Ctx = { event, p, owner, repo, deliveryId, options };
  switch (event) {
    case 'issues':
      return routeIssues(ctx);
    case 'issue_comment':
      return p.action === 'created' ? routeIssueComment(ctx) : ignore(`issue_comment.${p.action} is not handled`);
    case 'pull_request':
    case 'pull_request_review':
    case 'pull_request_review_comment':
      return routePullRequest(ctx);
    case 'check_suite':
    case 'check_run':
    case 'status':
      return routeChecks(ctx);
    default:
      return ignore(`event ${event} is not handled`);
  }
}

interface Ctx {
  event: string;
  p: Payload;
  owner: string;
  repo: string;
  deliveryId: string;
  options: RoutingOptions;
}

/** Bots (including issueflow itself) never drive a workflow; recognised by id, type and App, not by name. */
export function isBotOrSelf(user: User | undefined, options: RoutingOptions, viaAppId?: number): boolean {
  if (!user) return true;
  if (user.type === 'Bot') return true;
  if (options.appUserId !== undefined && user.id === options.appUserId) return true;
  return options.appId !== undefined && viaAppId === options.appId;
}

/**
 * Whether two users may be the same person, by id alone (a login can be renamed and taken over). Without
 * both ids nobody can tell, so the answer is yes: the checks that use it then deny, never grant.
 */
const mayBeSameUser = (a: User | undefined, b: User | undefined) => a?.id === undefined || b?.id === undefined || a.id === b.id;

function target(ctx: Ctx, issueNumber: number): { ref: IssueRef; workflowId: string } {
  const ref = { owner: ctx.owner, repo: ctx.repo, issueNumber };
  return { ref, workflowId: issueWorkflowId(ref) };
}

/** An `agent:*` state label on the issue: an earlier story of it ended, and may have left a PR. */
const hadStory = (ctx: Ctx) => (ctx.p.issue?.labels ?? []).some((l) => !!l.name && isStateLabel(l.name));

function start(ctx: Ctx, issueNumber: number, kind: IssueWorkflowInput['trigger']['kind'], actor: string, orSignal?: SignalDecision): WebhookDecision {
  const t = target(ctx, issueNumber);
  const installationId = ctx.p.installation?.id;
  const input: IssueWorkflowInput = {
    owner: ctx.owner,
    repo: ctx.repo,
    issueNumber,
    trigger: { deliveryId: ctx.deliveryId, kind, actor, ...(hadStory(ctx) || kind === 'reopened' ? { earlierStory: true } : {}) },
    ...(installationId ? { installationId } : {}),
  };
  return { kind: 'start', ...t, input, ...(orSignal ? { orSignal } : {}) };
}

function routeIssues(ctx: Ctx): WebhookDecision {
  const { p, options } = ctx;
  const n = p.issue?.number;
  if (!n) return ignore('issues event without an issue');
  const sender = p.sender?.login ?? 'unknown';
  const ref = target(ctx, n).ref;
  switch (p.action) {
    case 'opened': {
      const hasLabel = (p.issue?.labels ?? []).some((l) => l.name === options.triggerLabel);
      if (!hasLabel) return ignore(`opened without the trigger label ${options.triggerLabel}`, ref);
      if (!trusted(p.issue?.author_association)) return ignore('issue author is not an owner, member or collaborator', ref);
      return start(ctx, n, 'opened', p.issue?.user?.login ?? sender);
    }
    case 'labeled':
      if (p.label?.name !== options.triggerLabel) return ignore(`label ${p.label?.name ?? '?'} is not the trigger label`, ref);
      if (isBotOrSelf(p.sender, options)) return ignore('labeled by a bot', ref);
      // An issue template applies its labels as the issue's author, whoever that is: such a label vouches for nothing.
      if (mayBeSameUser(p.sender, p.issue?.user) && !trusted(p.issue?.author_association)) {
        return ignore('labeled by its own author, who is not an owner, member or collaborator (an issue template label)', ref);
      }
      return start(ctx, n, 'labeled', sender);
    case 'reopened': {
      // A new story for an issue issueflow worked on (it still has the trigger label); the old PR is looked up by the run.
      const hasLabel = (p.issue?.labels ?? []).some((l) => l.name === options.triggerLabel);
      if (!hasLabel) return ignore(`reopened without the trigger label ${options.triggerLabel}`, ref);
      if (isBotOrSelf(p.sender, options)) return ignore('reopened by a bot', ref);
      if (mayBeSameUser(p.sender, p.issue?.user) && !trusted(p.issue?.author_association)) return ignore('reopened by its own author, who is not an owner, member or collaborator', ref);
      return start(ctx, n, 'reopened', sender);
    }
    case 'assigned': {
      const a = p.assignee;
      const toApp = options.appUserId !== undefined && a?.id === options.appUserId;
      if (!toApp) return ignore('assigned to someone other than issueflow', ref);
      if (isBotOrSelf(p.sender, options)) return ignore('assigned by a bot', ref);
      // Templates assign as the author too (see labeled).
      if (mayBeSameUser(p.sender, p.issue?.user) && !trusted(p.issue?.author_association)) {
        return ignore('assigned by its own author, who is not an owner, member or collaborator (an issue template assignee)', ref);
      }
      return start(ctx, n, 'assigned', sender);
    }
    case 'edited': {
      if (isBotOrSelf(p.sender, options)) return ignore('edited by a bot', ref);
      // The payload gives only the issue author's association; anyone else who can edit an issue has triage or write access.
      const editorTrusted = trusted(p.issue?.author_association) || (!!p.issue?.user && !mayBeSameUser(p.sender, p.issue.user));
      return { kind: 'signal', ...target(ctx, n), signal: { name: 'issueEdited', args: { deliveryId: ctx.deliveryId, title: p.issue?.title ?? '', body: p.issue?.body ?? '', author: sender, trusted: editorTrusted } } };
    }
    case 'closed':
      // Closed as completed is also how GitHub closes the issue a merged PR fixes: the run looks at its PR before it cancels.
      if (p.issue?.state_reason === 'completed') {
        return { kind: 'cancel', ...target(ctx, n), signal: { name: 'issueClosed', args: { deliveryId: ctx.deliveryId, stateReason: 'completed', by: sender } } };
      }
      return { kind: 'cancel', ...target(ctx, n) };
    default:
      return ignore(`issues.${p.action} is not handled`, ref);
  }
}

/** `Fixes #12` (or closes/resolves) in a pull request body: the issue it belongs to. */
export function issueNumberFromBody(body: string | null | undefined): number | undefined {
  const m = /\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\s+#(\d+)\b/i.exec(body ?? '');
  return m ? Number(m[1]) : undefined;
}

function routeIssueComment(ctx: Ctx): WebhookDecision {
  const { p, options, deliveryId } = ctx;
  const c = p.comment;
  const n = p.issue?.number;
  if (!c || !n) return ignore('comment without an issue');
  // By user id alone: issueflow's marker in someone else's comment does not make it issueflow's.
  if (isBotOrSelf(c.user, options, c.performed_via_github_app?.id ?? undefined)) return ignore('comment by a bot or by issueflow');
  const author = c.user?.login ?? 'unknown';
  const parsed = parseComment(c.body ?? '');
  const isTrusted = trusted(c.author_association);
  if (p.issue?.pull_request) {
    const issue = issueNumberFromBody(p.issue.body);
    if (!issue) return ignore('comment on a pull request that names no issue (Fixes #N)');
    if (!isTrusted) return ignore('commenter is not an owner, member or collaborator', target(ctx, issue).ref);
    if (parsed.kind === 'unknown-command') return ignore(`unknown command: ${parsed.text}`, target(ctx, issue).ref);
    if (parsed.kind === 'command') {
      return { kind: 'signal', ...target(ctx, issue), signal: { name: 'command', args: { deliveryId, command: parsed.command, args: parsed.args, author, commentId: c.id, source: 'pr-comment' } } };
    }
    return { kind: 'signal', ...target(ctx, issue), signal: { name: 'review', args: { deliveryId, kind: 'pr-comment', author, body: parsed.text, pullRequestNumber: n } } };
  }
  const ref = target(ctx, n).ref;
  if (parsed.kind === 'unknown-command') return ignore(`unknown command: ${parsed.text}`, ref);
  if (parsed.kind === 'command') {
    if (!isTrusted) return ignore('commenter is not an owner, member or collaborator', ref);
    const signal: SignalDecision = { name: 'command', args: { deliveryId, command: parsed.command, args: parsed.args, author, commentId: c.id, source: 'issue-comment' } };
    return parsed.command === 'run' ? start(ctx, n, 'command', author, signal) : { kind: 'signal', ...target(ctx, n), signal };
  }
  const isIssueAuthor = c.user?.id !== undefined && c.user.id === p.issue?.user?.id;
  if (!isTrusted && !isIssueAuthor) return ignore('commenter is neither the issue author nor a collaborator', ref);
  return { kind: 'signal', ...target(ctx, n), signal: { name: 'feedback', args: { deliveryId, author, body: parsed.text, commentId: c.id, trusted: isTrusted } } };
}

function routePullRequest(ctx: Ctx): WebhookDecision {
  const { p, event, options, deliveryId } = ctx;
  const pr = p.pull_request;
  const issue = issueNumberOfBranch(pr?.head?.ref ?? '');
  if (!pr?.number || !issue) return ignore(`${event} on a pull request not opened by issueflow`);
  // Anyone can name a fork's branch issueflow/issue-N; issueflow pushes only to the repository itself. Ids, not names: a repo can be renamed.
  const headRepo = pr.head?.repo?.id;
  if (headRepo === undefined || headRepo !== pr.base?.repo?.id) return ignore(`${event} on a pull request from a fork, not opened by issueflow`, target(ctx, issue).ref);
  const t = target(ctx, issue);
  if (event === 'pull_request') {
    if (p.action !== 'closed') return ignore(`pull_request.${p.action} is not handled`, t.ref);
    return { kind: 'signal', ...t, signal: { name: 'pullRequestClosed', args: { deliveryId, pullRequestNumber: pr.number, merged: pr.merged === true } } };
  }
  const isReview = event === 'pull_request_review';
  if (p.action !== (isReview ? 'submitted' : 'created')) return ignore(`${event}.${p.action} is not handled`, t.ref);
  const item = isReview ? p.review : p.comment;
  if (!item || isBotOrSelf(item.user, options)) return ignore('review by a bot or by issueflow', t.ref);
  if (!trusted(item.author_association)) return ignore('reviewer is not an owner, member or collaborator', t.ref);
  const body = item.body ?? '';
  // A review of only line comments arrives as empty "commented" review plus one event per comment; the comments carry the work.
  if (isReview && !body.trim() && p.review?.state === 'commented') return ignore('empty review; its comments arrive separately', t.ref);
  const args: ReviewSignalArgs = { deliveryId, kind: isReview ? 'review' : 'review-comment', author: item.user?.login ?? 'unknown', body, pullRequestNumber: pr.number };
  if (isReview && p.review?.state) args.reviewState = p.review.state;
  if (!isReview && p.comment?.path) args.path = p.comment.path;
  if (!isReview && typeof p.comment?.line === 'number') args.line = p.comment.line;
  return { kind: 'signal', ...t, signal: { name: 'review', args } };
}

/**
 * A check suite, check run or commit status on an issueflow branch: the issue's run reads the checks again.
 * Only a nudge (the run reads the checks itself, and only of the head it pushed), so a fork's branch of the
 * same name can do no harm.
 */
function routeChecks(ctx: Ctx): WebhookDecision {
  const { p, event, deliveryId } = ctx;
  const sha = p.check_suite?.head_sha ?? p.check_run?.head_sha ?? p.sha;
  const branches = [p.check_suite?.head_branch, p.check_run?.check_suite?.head_branch, ...(p.branches ?? []).map((b) => b.name)];
  const issue = branches.map((b) => issueNumberOfBranch(b ?? '')).find((n) => n !== undefined);
  if (!sha || !issue) return ignore(`${event} not on an issueflow branch`);
  return { kind: 'signal', ...target(ctx, issue), signal: { name: 'checksChanged', args: { deliveryId, sha } } };
}
