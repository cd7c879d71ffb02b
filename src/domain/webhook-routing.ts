import type { IssueWorkflowInput } from './issue-workflow-input';
import { parseComment } from './commands';
import { parseRunArgs } from './candidates';
import { isTrustedAssociation as trusted } from './trust';
import { isStateLabel } from './labels';
import { servesRepo } from './repo-scope';
import { ignore, isBotOrSelf, mayBeSameUser, target, type Ctx, type RoutingOptions, type SignalDecision, type WebhookDecision } from './webhook-decision';
import { routeChecks, routePullRequest } from './webhook-routing-pr';
import { asDelivery, type WebhookDelivery, type WebhookPayload } from './webhook-payloads';

export { isBotOrSelf, type RoutingOptions, type SignalDecision, type WebhookDecision } from './webhook-decision';

/** Maps a verified GitHub delivery to a start, a signal, a cancel or a reasoned ignore. Pure: no I/O. */
export function routeWebhook(event: string, raw: unknown, deliveryId: string, options: RoutingOptions): WebhookDecision {
  try {
    return routeDelivery(asDelivery(event, raw), event, deliveryId, options);
  } catch (error) {
    // Presence is checked field by field; a field of another type than GitHub's schema says (a number for a
    // login, an object for a list) breaks a read instead: such a body is answered with a reason, never thrown.
    if (error instanceof TypeError) return ignore(`${event} payload does not match GitHub's schema (${error.message})`);
    throw error;
  }
}

function routeDelivery(d: WebhookDelivery, event: string, deliveryId: string, options: RoutingOptions): WebhookDecision {
  const owner = d.payload.repository?.owner?.login;
  const repo = d.payload.repository?.name;
  if (!owner || !repo) return ignore(`${event} without a repository`);
  if (!servesRepo(options, owner, repo)) return ignore(`repository ${owner}/${repo} is not in ALLOWED_REPOS or ALLOWED_OWNERS`);
  const ctx: Ctx = { event, owner, repo, deliveryId, options };
  switch (d.name) {
    case 'issues':
      return routeIssues(ctx, d.payload);
    case 'issue_comment':
      return d.payload.action === 'created' ? routeIssueComment(ctx, d.payload) : ignore(`issue_comment.${d.payload.action} is not handled`);
    case 'pull_request':
    case 'pull_request_review':
    case 'pull_request_review_comment':
      return routePullRequest(ctx, d);
    case 'check_suite':
    case 'check_run':
    case 'status':
      return routeChecks(ctx, d);
    default:
      return ignore(`event ${event} is not handled`);
  }
}

/** What a start reads of an issue's event: the issue's labels and the App installation. */
type IssuePayload = WebhookPayload<'issues'> | WebhookPayload<'issue_comment'>;

/** An `agent:*` state label on the issue: an earlier story of it ended, and may have left a PR. */
const hadStory = (p: IssuePayload) => (p.issue?.labels ?? []).some((l) => !!l?.name && isStateLabel(l.name));

function start(ctx: Ctx, p: IssuePayload, issueNumber: number, kind: IssueWorkflowInput['trigger']['kind'], actor: string, orSignal?: SignalDecision, candidates?: number): WebhookDecision {
  const t = target(ctx, issueNumber);
  const installationId = p.installation?.id;
  const input: IssueWorkflowInput = {
    owner: ctx.owner,
    repo: ctx.repo,
    issueNumber,
    trigger: { deliveryId: ctx.deliveryId, kind, actor, ...(hadStory(p) || kind === 'reopened' ? { earlierStory: true } : {}) },
    ...(installationId ? { installationId } : {}),
    ...(candidates ? { candidates } : {}),
  };
  return { kind: 'start', ...t, input, ...(orSignal ? { orSignal } : {}) };
}

function routeIssues(ctx: Ctx, p: WebhookPayload<'issues'>): WebhookDecision {
  const { options } = ctx;
  const n = p.issue?.number;
  if (!n) return ignore('issues event without an issue');
  const sender = p.sender?.login ?? 'unknown';
  const ref = target(ctx, n).ref;
  switch (p.action) {
    case 'opened': {
      const hasLabel = (p.issue?.labels ?? []).some((l) => l?.name === options.triggerLabel);
      if (!hasLabel) return ignore(`opened without the trigger label ${options.triggerLabel}`, ref);
      if (!trusted(p.issue?.author_association)) return ignore('issue author is not an owner, member or collaborator', ref);
      return start(ctx, p, n, 'opened', p.issue?.user?.login ?? sender);
    }
    case 'labeled':
      if (p.label?.name !== options.triggerLabel) return ignore(`label ${p.label?.name ?? '?'} is not the trigger label`, ref);
      if (isBotOrSelf(p.sender, options)) return ignore('labeled by a bot', ref);
      // An issue template applies its labels as the issue's author, whoever that is: such a label vouches for nothing.
      if (mayBeSameUser(p.sender, p.issue?.user) && !trusted(p.issue?.author_association)) {
        return ignore('labeled by its own author, who is not an owner, member or collaborator (an issue template label)', ref);
      }
      return start(ctx, p, n, 'labeled', sender);
    case 'reopened': {
      // A new story for an issue issueflow worked on (it still has the trigger label); the old PR is looked up by the run.
      const hasLabel = (p.issue?.labels ?? []).some((l) => l?.name === options.triggerLabel);
      if (!hasLabel) return ignore(`reopened without the trigger label ${options.triggerLabel}`, ref);
      if (isBotOrSelf(p.sender, options)) return ignore('reopened by a bot', ref);
      if (mayBeSameUser(p.sender, p.issue?.user) && !trusted(p.issue?.author_association)) return ignore('reopened by its own author, who is not an owner, member or collaborator', ref);
      return start(ctx, p, n, 'reopened', sender);
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
      return start(ctx, p, n, 'assigned', sender);
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

function routeIssueComment(ctx: Ctx, p: WebhookPayload<'issue_comment'>): WebhookDecision {
  const { options, deliveryId } = ctx;
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
      return { kind: 'signal', ...target(ctx, issue), signal: { name: 'command', args: { deliveryId, command: parsed.command, args: parsed.args, author, commentId: c.id ?? undefined, source: 'pr-comment' } } };
    }
    return { kind: 'signal', ...target(ctx, issue), signal: { name: 'review', args: { deliveryId, kind: 'pr-comment', author, body: parsed.text, pullRequestNumber: n } } };
  }
  const ref = target(ctx, n).ref;
  if (parsed.kind === 'unknown-command') return ignore(`unknown command: ${parsed.text}`, ref);
  if (parsed.kind === 'command') {
    if (!isTrusted) return ignore('commenter is not an owner, member or collaborator', ref);
    const signal: SignalDecision = { name: 'command', args: { deliveryId, command: parsed.command, args: parsed.args, author, commentId: c.id ?? undefined, source: 'issue-comment' } };
    return parsed.command === 'run' ? start(ctx, p, n, 'command', author, signal, parseRunArgs(parsed.args).candidates) : { kind: 'signal', ...target(ctx, n), signal };
  }
  const isIssueAuthor = typeof c.user?.id === 'number' && c.user.id === p.issue?.user?.id;
  if (!isTrusted && !isIssueAuthor) return ignore('commenter is neither the issue author nor a collaborator', ref);
  return { kind: 'signal', ...target(ctx, n), signal: { name: 'feedback', args: { deliveryId, author, body: parsed.text, commentId: c.id ?? undefined, trusted: isTrusted } } };
}

