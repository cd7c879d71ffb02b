import { randomUUID } from 'node:crypto';
import { Webhooks } from '@octokit/webhooks';
import examples from '@octokit/webhooks-examples';
import { ciWebhookParts } from './checks';
import type { GithubStandin } from './standin';

/** The webhook events the stand-in emits, as `event.action`. */
export type WebhookEvent =
  | 'issues.opened'
  | 'issues.labeled'
  | 'issues.edited'
  | 'issues.closed'
  | 'issues.reopened'
  | 'issues.assigned'
  | 'issue_comment.created'
  | 'pull_request.closed'
  | 'pull_request_review.submitted'
  | 'pull_request_review_comment.created'
  | 'check_run.created'
  | 'check_run.completed'
  | 'check_suite.completed'
  | 'status';

/** What the event is about; the rest comes from the stand-in's state. */
export interface WebhookInput {
  repo: string;
  /** Issue or pull request number. */
  number: number;
  /** Who acted; default: the issue's or comment's author. */
  sender?: string;
  /** issues.labeled: the label added (must exist in the repo). */
  label?: string;
  /** issues.assigned: the user assigned; default the issue's first assignee. */
  assignee?: string;
  /** issues.edited: what changed. */
  changes?: { title?: { from: string }; body?: { from: string } };
  /** issue_comment.created: the stand-in comment's id. */
  commentId?: number;
  /** pull_request_review.submitted / pull_request_review_comment.created. */
  /** check_run.*: the stand-in check run's id (`number` is then unused). */
  checkRunId?: number;
  /** check_suite.completed: the suite's id (a GitHub Actions run's id, or a lone check run's). */
  checkSuiteId?: number;
  /** status: the stand-in commit status's id. */
  statusId?: number;
  review?: { state?: 'approved' | 'changes_requested' | 'commented'; body?: string; path?: string; author?: string };
}

/** A webhook delivery as GitHub sends it: event name, headers and the exact body that was signed. */
export interface WebhookDelivery {
  name: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function example(name: string, action: string): Json {
  const list = (examples as unknown as Array<{ name: string; examples: Json[] }>).find((d) => d.name === name)?.examples ?? [];
  // GitHub's examples have no issues.closed; a reopened issue has the same shape.
  const found = list.find((e) => e.action === action) ?? list.find((e) => e.action === 'reopened');
  if (!found) throw new Error(`No example payload for ${name}.${action} in @octokit/webhooks-examples.`);
  return structuredClone(found);
}

/** Builds the payload of an event from GitHub's example, with repo, issue, user and comment from the stand-in. Pure. */
export function buildWebhookPayload(standin: GithubStandin, event: WebhookEvent, input: WebhookInput): Record<string, unknown> {
  const [name, action] = event.split('.') as [string, string];
  const p = example(name, action);
  const api = standin.payloads;
  const repo = standin.repoOf(input.repo);
  const commentCount = standin.listComments(input.repo, input.number).length;
  p.action = action;
  p.repository = { ...p.repository, ...api.repo(repo) };
  if (repo.installationId !== undefined) p.installation = { id: repo.installationId, node_id: `MDIz_${repo.installationId}` };
  else delete p.installation;
  let actor = input.sender;
  if (name === 'check_run' || name === 'check_suite' || name === 'status') {
    Object.assign(p, ciWebhookParts(api, repo, name, p, input));
    p.sender = api.user(actor ?? 'github-actions[bot]');
    return p;
  }
  if (name === 'issues' || name === 'issue_comment') {
    const issue = standin.issue(input.repo, input.number);
    p.issue = { ...p.issue, ...api.issue(repo, issue, commentCount) };
    actor ??= issue.author;
    if (action === 'labeled') p.label = api.label(repo, standin.store.label(repo, input.label ?? '') ?? fail(`label ${input.label} does not exist in ${input.repo}`));
    if (action === 'assigned') p.assignee = api.user(input.assignee ?? issue.assignees[0] ?? fail('issues.assigned needs an assignee'));
    if (action === 'edited') p.changes = input.changes ?? { body: { from: '' } };
    if (name === 'issue_comment') {
      const comment = standin.comment(input.repo, input.commentId ?? -1) ?? fail(`comment ${input.commentId} does not exist in ${input.repo}`);
      p.comment = { ...p.comment, ...api.comment(repo, comment) };
      actor = input.sender ?? comment.author;
    }
  } else {
    const pull = repo.pulls.get(input.number) ?? fail(`pull request #${input.number} does not exist in ${input.repo}`);
    p.number = pull.number;
    p.pull_request = { ...p.pull_request, ...api.pull(repo, pull, name === 'pull_request', standin.store.headRepo(repo, pull)) };
    actor ??= input.review?.author ?? pull.author;
    if (name !== 'pull_request') {
      Object.assign(p, reviewParts(name, p, input, api.user(actor)));
      // The examples say OWNER for everyone; the stand-in's collaborators decide, as on its comments.
      (p.review ?? p.comment).author_association = repo.collaborators.has(actor) ? 'COLLABORATOR' : 'NONE';
    }
  }
  p.sender = api.user(actor);
  return p;
}

function reviewParts(name: string, p: Json, input: WebhookInput, user: Json): Json {
  const id = Math.floor(Math.random() * 1e9);
  const pullUrl = p.pull_request.url as string;
  const html = `${p.pull_request.html_url as string}`;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (name === 'pull_request_review') {
    const state = input.review?.state ?? 'commented';
    const review = { ...p.review, id, node_id: `PRR_${id}`, user, body: input.review?.body ?? null, state, submitted_at: at, html_url: `${html}#pullrequestreview-${id}`, pull_request_url: pullUrl };
    review._links = { html: { href: review.html_url }, pull_request: { href: pullUrl } };
    return { review };
  }
  const url = pullUrl.replace(/\/pulls\/\d+$/, `/pulls/comments/${id}`);
  const comment = { ...p.comment, id, node_id: `PRRC_${id}`, url, user, body: input.review?.body ?? '', path: input.review?.path ?? 'README.md', created_at: at, updated_at: at, html_url: `${html}#discussion_r${id}`, pull_request_url: pullUrl, pull_request_review_id: id + 1,
    line: 1, original_line: 1, start_line: null, original_start_line: null, start_side: null, side: 'RIGHT',
    reactions: { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 } };
  comment._links = { self: { href: url }, html: { href: comment.html_url }, pull_request: { href: pullUrl } };
  return { comment };
}

function fail(message: string): never {
  throw new Error(`Cannot build the webhook: ${message}.`);
}

/** Builds and signs a delivery (sha256, with `@octokit/webhooks`), ready for `app.inject` or a POST. */
export async function buildWebhookDelivery(standin: GithubStandin, event: WebhookEvent, input: WebhookInput, secret: string, deliveryId = randomUUID()): Promise<WebhookDelivery> {
  const name = event.split('.')[0];
  const payload = buildWebhookPayload(standin, event, input);
  const body = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/standin',
    'x-github-event': name,
    'x-github-delivery': deliveryId,
    'x-github-hook-id': '1',
    'x-hub-signature-256': await new Webhooks({ secret }).sign(body),
  };
  return { name, payload, headers, body };
}

/** Signs and POSTs an event to `targetUrl`, as GitHub would deliver it. */
export async function sendWebhook(targetUrl: string, standin: GithubStandin, event: WebhookEvent, input: WebhookInput, secret: string): Promise<{ status: number; deliveryId: string; responseBody: string }> {
  const delivery = await buildWebhookDelivery(standin, event, input, secret);
  const res = await fetch(targetUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: res.status, deliveryId: delivery.headers['x-github-delivery'], responseBody: await res.text() };
}
