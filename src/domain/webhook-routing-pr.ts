import { issueNumberOfBranch } from './ids';
import type { ReviewSignalArgs } from './messages';
import { isTrustedAssociation as trusted } from './trust';
import { ignore, isBotOrSelf, target, type Ctx, type WebhookDecision } from './webhook-decision';
import type { WebhookDelivery } from './webhook-payloads';

/** A pull request's close, review or review comment, on issueflow's own branch of the repository itself: a signal to the issue. */
export function routePullRequest(ctx: Ctx, d: WebhookDelivery<'pull_request' | 'pull_request_review' | 'pull_request_review_comment'>): WebhookDecision {
  const { event, options, deliveryId } = ctx;
  const pr = d.payload.pull_request;
  const issue = issueNumberOfBranch(pr?.head?.ref ?? '');
  if (!pr?.number || !issue) return ignore(`${event} on a pull request not opened by issueflow`);
  // Anyone can name a fork's branch issueflow/issue-N; issueflow pushes only to the repository itself. Ids, not names: a repo can be renamed.
  const headRepo = pr.head?.repo?.id;
  if (headRepo === undefined || headRepo !== pr.base?.repo?.id) return ignore(`${event} on a pull request from a fork, not opened by issueflow`, target(ctx, issue).ref);
  const t = target(ctx, issue);
  if (d.name === 'pull_request') {
    if (d.payload.action !== 'closed') return ignore(`pull_request.${d.payload.action} is not handled`, t.ref);
    return { kind: 'signal', ...t, signal: { name: 'pullRequestClosed', args: { deliveryId, pullRequestNumber: pr.number, merged: d.payload.pull_request?.merged === true } } };
  }
  const isReview = d.name === 'pull_request_review';
  if (d.payload.action !== (isReview ? 'submitted' : 'created')) return ignore(`${event}.${d.payload.action} is not handled`, t.ref);
  const review = d.name === 'pull_request_review' ? d.payload.review : undefined;
  const comment = d.name === 'pull_request_review_comment' ? d.payload.comment : undefined;
  const item = review ?? comment;
  if (!item || isBotOrSelf(item.user, options)) return ignore('review by a bot or by issueflow', t.ref);
  if (!trusted(item.author_association)) return ignore('reviewer is not an owner, member or collaborator', t.ref);
  const body = item.body ?? '';
  // A review of only line comments arrives as empty "commented" review plus one event per comment; the comments carry the work.
  if (isReview && !body.trim() && review?.state === 'commented') return ignore('empty review; its comments arrive separately', t.ref);
  const args: ReviewSignalArgs = { deliveryId, kind: isReview ? 'review' : 'review-comment', author: item.user?.login ?? 'unknown', body, pullRequestNumber: pr.number };
  if (review?.state) args.reviewState = review.state;
  if (comment?.path) args.path = comment.path;
  if (typeof comment?.line === 'number') args.line = comment.line;
  return { kind: 'signal', ...t, signal: { name: 'review', args } };
}

/**
 * A check suite, check run or commit status on an issueflow branch: the issue's run reads the checks again.
 * Only a nudge (the run reads the checks itself, and only of the head it pushed), so a fork's branch of the
 * same name can do no harm.
 */
export function routeChecks(ctx: Ctx, d: WebhookDelivery<'check_suite' | 'check_run' | 'status'>): WebhookDecision {
  const { event, deliveryId } = ctx;
  const { sha, branches } = checkedCommit(d);
  const issue = branches.map((b) => issueNumberOfBranch(b ?? '')).find((n) => n !== undefined);
  if (!sha || !issue) return ignore(`${event} not on an issueflow branch`);
  return { kind: 'signal', ...target(ctx, issue), signal: { name: 'checksChanged', args: { deliveryId, sha } } };
}

/** The commit a check event is about, and the branches it names: each event carries them in its own fields. */
function checkedCommit(d: WebhookDelivery<'check_suite' | 'check_run' | 'status'>): { sha?: string; branches: Array<string | null | undefined> } {
  switch (d.name) {
    case 'check_suite':
      return { sha: d.payload.check_suite?.head_sha ?? undefined, branches: [d.payload.check_suite?.head_branch] };
    case 'check_run':
      return { sha: d.payload.check_run?.head_sha ?? undefined, branches: [d.payload.check_run?.check_suite?.head_branch] };
    case 'status':
      return { sha: d.payload.sha ?? undefined, branches: (d.payload.branches ?? []).map((b) => b?.name) };
  }
}
