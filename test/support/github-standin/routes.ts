import { randomBytes, type KeyObject } from 'node:crypto';
import { checkHandlers } from './checks';
import { filesOn, setupAppHandlers, setupRepoHandlers } from './setup-routes';
import { mergeabilityOf, mergePull, type BranchStore, type EmittedWebhook } from './merge';
import type { Payloads } from './payloads';
import { now, type StandinRepo, type StandinStore } from './store';
import { rateLimitBody, type RateWindow } from './rate-limits';

/** What a route handler sees of a request. */
export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  store: StandinStore;
  payloads: Payloads;
  /** The login the credentials belong to (the App's bot for installation tokens); '' for an anonymous request. */
  actor: string;
  /** How the request authenticated (GitHub answers some routes differently for an App). */
  auth?: 'token' | 'installation' | 'app' | 'anonymous';
  /** The GitHub App the stand-in plays, when it has one. */
  app?: StandinApp;
  /** Makes a GitHub App created from a manifest the one the stand-in plays (its JWTs accepted from then on). */
  registerApp?: (app: StandinApp & { publicKey: KeyObject }) => void;
  /** StandinOptions.branchExists: where branches live when not in the stand-in itself. */
  branchExists?: (fullName: string, branch: string) => boolean;
  /** StandinOptions.hasCommitsBetween. */
  hasCommitsBetween?: (fullName: string, base: string, head: string) => boolean;
  /** StandinOptions.mergeBranches / deleteBranch. */
  branches: BranchStore;
  /** The credentials' rate-limit window (after counting this request); absent for anonymous requests. */
  rateLimit?: RateWindow;
  /** Hands the webhooks a change makes GitHub send to the stand-in's listeners. */
  emit: (webhooks: EmittedWebhook[]) => void;
}

/** The GitHub App the stand-in plays: `GET /app` shows its permissions and events. */
export interface StandinApp {
  id: number;
  slug: string;
  owner: string;
  permissions?: Record<string, string>;
  events?: string[];
}

/** A handler's answer. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: RouteContext, repo: StandinRepo) => RouteResult;

const DOCS = 'https://docs.github.com/rest';
const notFound = (): RouteResult => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
const invalid = (message: string, errors: unknown[] = []): RouteResult => ({ status: 422, body: { message, errors, documentation_url: DOCS, status: '422' } });

function page<T>(ctx: RouteContext, path: string, items: T[]): RouteResult {
  const perPage = Number(ctx.query.per_page ?? 30);
  const current = Number(ctx.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (current < last) {
    const q = (p: number) => `<${ctx.payloads.base}${path}?per_page=${perPage}&page=${p}>`;
    headers.link = `${q(current + 1)}; rel="next", ${q(last)}; rel="last"`;
  }
  return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), headers };
}

function issueOf(ctx: RouteContext, repo: StandinRepo) {
  return ctx.store.issueView(repo, Number(ctx.params.issue_number));
}

const repoHandlers: Record<string, Handler> = {
  'repos/get': (ctx, repo) => ({ status: 200, body: ctx.payloads.repo(repo) }),
  'repos/get-content': (ctx, repo) => {
    const text = filesOn(repo, ctx.query.ref)?.get(ctx.params.path);
    return text === undefined ? notFound() : { status: 200, body: ctx.payloads.contentFile(repo, ctx.params.path, text) };
  },
  'issues/get': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    if (!issue) return notFound();
    return { status: 200, body: ctx.payloads.issue(repo, issue, repo.comments.filter((c) => c.issueNumber === issue.number).length) };
  },
  'issues/list-comments': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    if (!issue) return notFound();
    const list = repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => ctx.payloads.comment(repo, c));
    return page(ctx, `/repos/${repo.owner}/${repo.name}/issues/${issue.number}/comments`, list);
  },
  'issues/create-comment': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    if (!issue) return notFound();
    const at = now();
    const comment = { id: ctx.store.nextId(), issueNumber: issue.number, body: String(ctx.body.body), author: ctx.actor, createdAt: at, updatedAt: at, reactions: [] };
    repo.comments.push(comment);
    return { status: 201, body: ctx.payloads.comment(repo, comment), headers: { location: `/repos/${repo.owner}/${repo.name}/issues/comments/${comment.id}` } };
  },
  'issues/update-comment': (ctx, repo) => {
    const comment = repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
    if (!comment) return notFound();
    comment.body = String(ctx.body.body);
    comment.updatedAt = now();
    return { status: 200, body: ctx.payloads.comment(repo, comment) };
  },
  'reactions/create-for-issue-comment': (ctx, repo) => {
    const comment = repo.comments.find((c) => c.id === Number(ctx.params.comment_id));
    if (!comment) return notFound();
    const existing = comment.reactions.find((r) => r.user === ctx.actor && r.content === ctx.body.content);
    if (existing) return { status: 200, body: ctx.payloads.reaction(existing) };
    const reaction = { id: ctx.store.nextId(), content: String(ctx.body.content), user: ctx.actor, createdAt: now() };
    comment.reactions.push(reaction);
    return { status: 201, body: ctx.payloads.reaction(reaction) };
  },
  'issues/list-labels-on-issue': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    if (!issue) return notFound();
    const labels = issue.labels.map((n) => ctx.store.label(repo, n)!).map((l) => ctx.payloads.label(repo, l));
    return page(ctx, `/repos/${repo.owner}/${repo.name}/issues/${issue.number}/labels`, labels);
  },
  'issues/add-labels': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    if (!issue) return notFound();
    const names: string[] = (Array.isArray(ctx.body) ? ctx.body : ctx.body.labels).map((l: string | { name: string }) => (typeof l === 'string' ? l : l.name));
    for (const name of names) {
      const label = ctx.store.ensureLabel(repo, name);
      if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) issue.labels.push(label.name);
    }
    issue.updatedAt = now();
    return { status: 200, body: issue.labels.map((n) => ctx.payloads.label(repo, ctx.store.label(repo, n)!)) };
  },
  'issues/remove-label': (ctx, repo) => {
    const issue = issueOf(ctx, repo);
    const name = ctx.params.name.toLowerCase();
    if (!issue || !issue.labels.some((l) => l.toLowerCase() === name)) return { status: 404, body: { message: 'Label does not exist', documentation_url: DOCS, status: '404' } };
    issue.labels.splice(issue.labels.findIndex((l) => l.toLowerCase() === name), 1); // in place: a PR's view shares the array
    issue.updatedAt = now();
    return { status: 200, body: issue.labels.map((n) => ctx.payloads.label(repo, ctx.store.label(repo, n)!)) };
  },
  'issues/get-label': (ctx, repo) => {
    const label = ctx.store.label(repo, ctx.params.name);
    return label ? { status: 200, body: ctx.payloads.label(repo, label) } : notFound();
  },
  'issues/create-label': (ctx, repo) => {
    if (ctx.store.label(repo, ctx.body.name)) return invalid('Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const label = ctx.store.ensureLabel(repo, ctx.body.name, ctx.body.color ?? 'ededed', ctx.body.description ?? null);
    return { status: 201, body: ctx.payloads.label(repo, label) };
  },
  'pulls/list': (ctx, repo) => {
    const state = ctx.query.state ?? 'open';
    // `head` is `owner:branch` with the owner of the head's repository: a fork's PR has the fork owner's.
    const list = [...repo.pulls.values()]
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => !ctx.query.head || ctx.query.head.toLowerCase() === `${ctx.store.headRepo(repo, p).owner}:${p.head}`.toLowerCase())
      .filter((p) => !ctx.query.base || ctx.query.base === p.base)
      .map((p) => ctx.payloads.pull(repo, p, false, ctx.store.headRepo(repo, p)));
    // Newest first, GitHub's default (sort=created, direction=desc).
    if (ctx.query.direction !== 'asc') list.reverse();
    return page(ctx, `/repos/${repo.owner}/${repo.name}/pulls`, list);
  },
  'pulls/get': (ctx, repo) => {
    const pull = repo.pulls.get(Number(ctx.params.pull_number));
    return pull ? { status: 200, body: ctx.payloads.pull(repo, pull, true, ctx.store.headRepo(repo, pull), mergeabilityOf(repo, pull, ctx.branches)) } : notFound();
  },
  'pulls/merge': (ctx, repo) => {
    const pull = repo.pulls.get(Number(ctx.params.pull_number));
    if (!pull) return notFound();
    if (pull.state !== 'open') return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: DOCS } };
    ctx.emit(mergePull(repo, pull, ctx.actor, ctx.branches));
    return { status: 200, body: { sha: randomBytes(20).toString('hex'), merged: true, message: 'Pull Request successfully merged' } };
  },
  'pulls/create': (ctx, repo) => {
    const head = String(ctx.body.head).replace(new RegExp(`^${repo.owner}:`, 'i'), '');
    if ([...repo.pulls.values()].some((p) => p.state === 'open' && p.head === head && p.base === ctx.body.base)) {
      return invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }]);
    }
    const exists = ctx.branchExists ? ctx.branchExists(`${repo.owner}/${repo.name}`, head) : !repo.branches || repo.branches.has(head);
    if (!exists) {
      return invalid('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    }
    if (ctx.hasCommitsBetween && !ctx.hasCommitsBetween(`${repo.owner}/${repo.name}`, String(ctx.body.base), head)) {
      return invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${String(ctx.body.base)} and ${head}` }]);
    }
    const at = now();
    const pull = { id: ctx.store.nextId(), number: repo.nextNumber++, title: String(ctx.body.title ?? ''), body: String(ctx.body.body ?? ''), author: ctx.actor, head, base: String(ctx.body.base), labels: [], state: 'open' as const, merged: false, createdAt: at, updatedAt: at, closedAt: null };
    repo.pulls.set(pull.number, pull);
    return { status: 201, body: ctx.payloads.pull(repo, pull, true) };
  },
  'repos/get-collaborator-permission-level': (ctx, repo) => {
    const permission = repo.collaborators.get(ctx.params.username) ?? 'read';
    const role = permission === 'write' ? 'write' : permission;
    return { status: 200, body: { permission, role_name: role, user: { ...ctx.payloads.user(ctx.params.username), role_name: role } } };
  },
  'apps/get-repo-installation': (ctx, repo) => {
    const inst = repo.installationId === undefined ? undefined : ctx.store.installations.get(repo.installationId);
    return inst ? { status: 200, body: ctx.payloads.installation(inst, ctx.app?.slug) } : notFound();
  },
  ...checkHandlers,
  ...setupRepoHandlers,
};

/** Routes outside `/repos/{owner}/{repo}`. */
const otherHandlers: Record<string, (ctx: RouteContext) => RouteResult> = {
  'users/get-authenticated': (ctx) => {
    // GitHub: an installation token is no user ("Resource not accessible by integration").
    if (ctx.auth !== 'token') return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    return { status: 200, body: ctx.payloads.publicUser(ctx.actor) };
  },
  'users/get-by-username': (ctx) => ({ status: 200, body: ctx.payloads.publicUser(ctx.params.username) }),
  'apps/get-authenticated': (ctx) => (ctx.app ? { status: 200, body: ctx.payloads.app(ctx.app) } : notFound()),
  'apps/list-installations': (ctx) => {
    const mine = [...ctx.store.installations.values()].filter((i) => i.appId === ctx.app?.id).map((i) => {
      const inst = ctx.payloads.installation(i, ctx.app?.slug);
      // This list's description wants an account that is a user and an enterprise at once (allOf); give it both.
      return { ...inst, account: { ...inst.account, name: i.account, slug: i.account.toLowerCase(), created_at: inst.created_at, updated_at: inst.updated_at } };
    });
    return page(ctx, '/app/installations', mine);
  },
  'apps/create-installation-access-token': (ctx) => {
    const inst = ctx.store.installations.get(Number(ctx.params.installation_id));
    if (!inst) return notFound();
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    ctx.store.installationTokens.set(token, inst.id);
    const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { status: 201, body: { token, expires_at: expires, permissions: { issues: 'write' }, repository_selection: 'selected' } };
  },
  'rate-limit/get': (ctx) => (ctx.rateLimit ? { status: 200, body: rateLimitBody(ctx.rateLimit) } : { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } }),
  ...setupAppHandlers,
};

/** Serves one matched operation, or undefined when the stand-in does not implement it. */
export function handle(operationId: string, ctx: RouteContext): RouteResult | undefined {
  const other = otherHandlers[operationId];
  if (other) return other(ctx);
  const handler = repoHandlers[operationId];
  if (!handler) return undefined;
  const repo = ctx.store.repo(ctx.params.owner, ctx.params.repo);
  return repo ? handler(ctx, repo) : notFound();
}
