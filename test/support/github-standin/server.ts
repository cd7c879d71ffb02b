import { createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan, faultResponse, type FaultKind, type FaultSpec } from './faults';
import type { BranchStore, EmittedWebhook } from './merge';
import { jobLog, LOG_PATH } from './checks';
import { matchOperation, validateRequest, validateResponse } from './openapi';
import { Payloads } from './payloads';
import { handle, type RouteResult, type StandinApp } from './routes';
import { StandinStore } from './store';
import { rateLimitHeaders } from './rate-limits';

/** Options of a stand-in. */
export interface StandinOptions {
  /** Personal tokens it accepts, token -> login. Default: `standin-token` for `issueflow-bot`. */
  tokens?: Record<string, string>;
  /** A GitHub App whose JWTs it accepts (verified with the public key). */
  app?: { id: number; publicKey: KeyObject | string; slug?: string; owner?: string; permissions?: Record<string, string>; events?: string[] };
  /** The `x-oauth-scopes` header GitHub sends with responses to a classic token, token -> scopes; none: a fine-grained token. */
  tokenScopes?: Record<string, string>;
  /** Chance (0..1) that any request fails with one of `faultKinds` (default `500`). */
  faultRate?: number;
  faultKinds?: FaultKind[];
  /** Seconds until the reset (`x-ratelimit-reset`, `retry-after`) of a random rate-limit fault (default 1). */
  faultResetSeconds?: number;
  /**
   * Whether a branch exists (e.g. `git rev-parse` in a real bare repo). When set, pull requests need their
   * head to exist here, as on GitHub; otherwise the repo's `branches` (when given) decide.
   */
  branchExists?: (fullName: string, branch: string) => boolean;
  /** Whether `head` has commits that `base` has not; when set, a PR without any gets GitHub's 422 "No commits between". */
  hasCommitsBetween?: (fullName: string, base: string, head: string) => boolean;
  /** A merge brings the head into the base here (e.g. a fast-forward in a real bare repo). */
  mergeBranches?: BranchStore['mergeBranches'];
  /** A merge with `delete_branch_on_merge` deletes the head here; otherwise from the repo's `branches`. */
  deleteBranch?: BranchStore['deleteBranch'];
  /** Whether an open PR's head merges into its base, for `mergeable` / `mergeable_state`; otherwise always clean. */
  mergeability?: BranchStore['mergeability'];
}

/** One request as the stand-in saw it. */
export interface RequestRecord {
  /** Arrival, ms since the epoch. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  status?: number;
  fault?: FaultKind;
  /** `token`, `installation` (an installation token it issued), `app` (a JWT) or `anonymous` (a public read without credentials). */
  auth?: 'token' | 'installation' | 'app' | 'anonymous';
  rateLimitReset?: number;
  /** The request's JSON body (for request-log assertions, e.g. which labels were added). */
  body?: unknown;
}

const DOCS = 'https://docs.github.com/rest';
/** Public reads GitHub answers without credentials (the stand-in's few; GitHub has many more). */
const PUBLIC_READS = new Set(['users/get-by-username', 'apps/create-from-manifest']);

/** The HTTP side of the stand-in: routing, auth, OpenAPI validation, faults and the request log. */
export class StandinServer {
  readonly store = new StandinStore();
  readonly requests: RequestRecord[] = [];
  readonly violations: string[] = [];
  protected readonly faults: FaultPlan;
  private server?: Server;
  private payloadsFor?: Payloads;
  private readonly hooks: Array<(record: RequestRecord) => void> = [];
  private readonly afterHooks: Array<(record: RequestRecord, responseBody: unknown) => void> = [];
  private readonly webhookListeners: Array<(webhooks: EmittedWebhook[]) => void> = [];

  constructor(protected options: StandinOptions = {}) {
    this.faults = new FaultPlan(options.faultRate, options.faultKinds, options.faultResetSeconds);
  }

  /** The base URL (`GITHUB_API_URL`), once started. */
  get url(): string {
    if (!this.payloadsFor) throw new Error('The GitHub stand-in is not started: await standin.start() first.');
    return this.payloadsFor.base;
  }

  /** Builds GitHub-shaped JSON from the stand-in's records (URLs point at the stand-in). */
  get payloads(): Payloads {
    return (this.payloadsFor ??= new Payloads('http://127.0.0.1:0'));
  }

  /** Listens on 127.0.0.1 on a free port and returns the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.serve(req, res).catch((err: Error) => {
        this.violations.push(`${req.method} ${req.url}: the stand-in crashed: ${err.stack ?? err.message}`);
        if (!res.headersSent) send(res, { status: 500, body: { message: 'Stand-in error' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.payloadsFor = new Payloads(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return this.url;
  }

  /** Stops listening and drops hanging (timed-out) connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** Makes the next matching request(s) fail the given way. */
  failNext(spec: FaultSpec): void {
    this.faults.add(spec);
  }

  /** Runs `hook` before each request that is not a fault is handled, e.g. to simulate a race. */
  beforeHandle(hook: (record: RequestRecord) => void): void {
    this.hooks.push(hook);
  }

  /** Runs `hook` after each served (non-fault) response was sent, e.g. to emit the webhook GitHub would send. */
  afterHandle(hook: (record: RequestRecord, responseBody: unknown) => void): void {
    this.afterHooks.push(hook);
  }

  /**
   * Runs `listener` with the webhooks GitHub would send about a change the stand-in made (a merge: the
   * PR's `pull_request.closed`, then `issues.closed` per fixed issue), for a harness to deliver.
   */
  onWebhooks(listener: (webhooks: EmittedWebhook[]) => void): void {
    this.webhookListeners.push(listener);
  }

  protected emit(webhooks: EmittedWebhook[]): void {
    for (const listener of this.webhookListeners) listener(webhooks);
  }

  /** Where branches are merged and deleted (the options, or the repos' own `branches`). */
  protected get branches(): BranchStore {
    return { mergeBranches: this.options.mergeBranches, deleteBranch: this.options.deleteBranch, mergeability: this.options.mergeability };
  }

  /** Throws listing every request or response that did not match GitHub's OpenAPI description. */
  assertNoViolations(): void {
    if (this.violations.length) throw new Error(`GitHub stand-in saw ${this.violations.length} OpenAPI violation(s):\n${this.violations.join('\n')}`);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith(LOG_PATH)) return this.serveLog(url.pathname, res);
    const record: RequestRecord = { at: Date.now(), method, path: url.pathname, query: Object.fromEntries(url.searchParams) };
    record.operationId = matchOperation(method, url.pathname)?.operationId;
    this.requests.push(record);
    const raw = await readBody(req);
    const fault = this.faults.take(method, url.pathname);
    if (fault) {
      const answer = faultResponse(fault);
      Object.assign(record, { fault: fault.kind, status: answer.status, rateLimitReset: answer.rateLimitReset });
      if (answer.status !== undefined) send(res, { status: answer.status, headers: answer.headers, body: answer.body });
      return; // a timeout never answers; stop() drops the socket
    }
    const result = this.route(req, record, raw);
    record.status = result.status;
    send(res, result);
    // Checked after sending, yet before the client can read it: compiling a big schema must not eat into time-outs.
    result.check?.();
    for (const hook of this.afterHooks) hook(record, result.body);
  }

  /** A job's log, as GitHub's log storage serves it behind the API's redirect (plain text, no API). */
  private serveLog(path: string, res: ServerResponse): void {
    const [owner, repo, jobId] = path.slice(LOG_PATH.length).split('/');
    const log = jobLog(this.store.repo(owner, repo), Number(jobId));
    if (log === undefined) res.writeHead(404).end('Not Found');
    else res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(log);
  }

  private route(req: IncomingMessage, record: RequestRecord, raw: string): RouteResult & { check?: () => void } {
    const where = `${record.method} ${record.path}`;
    const match = matchOperation(record.method, record.path);
    if (!match) {
      this.violations.push(`${where}: no such operation in GitHub's REST API`);
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    }
    record.operationId = match.operationId;
    for (const hook of this.hooks) hook(record);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      this.violations.push(`${where}: body is not JSON`);
      return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
    }
    record.body = body;
    const problems = validateRequest(match, record.query, body);
    if (problems.length) {
      this.violations.push(`${where} (${match.operationId}) request: ${problems.join('; ')}`);
      return { status: 422, body: { message: `Invalid request.\n\n${problems.join('\n')}`, documentation_url: DOCS, status: '422' } };
    }
    const actor = this.authenticate(req, match.operationId, match.params, record);
    if (actor === undefined) return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    const o = this.options.app;
    const app = o && { id: o.id, slug: this.appSlug, owner: o.owner ?? 'octocat', permissions: o.permissions, events: o.events };
    const registerApp = (created: StandinApp & { publicKey: KeyObject }) => {
      this.options.app = created;
    };
    // GitHub counts every authenticated request but `GET /rate_limit` itself.
    const limitKey = this.rateLimitKey(req, record);
    const rateLimit = limitKey === undefined ? undefined : match.operationId === 'rate-limit/get' ? this.store.rateLimits.peek(limitKey) : this.store.rateLimits.spend(limitKey);
    const found = handle(match.operationId, { params: match.params, query: record.query, body, store: this.store, payloads: this.payloads, actor, auth: record.auth, app, registerApp, rateLimit, branchExists: this.options.branchExists, hasCommitsBetween: this.options.hasCommitsBetween, branches: this.branches, emit: (w) => this.emit(w) });
    const scopes = record.auth === 'token' ? this.options.tokenScopes?.[(req.headers.authorization ?? '').split(' ')[1]] : undefined;
    const extra = { ...(scopes !== undefined ? { 'x-oauth-scopes': scopes } : {}), ...(rateLimit ? rateLimitHeaders(rateLimit) : {}) };
    const result = found && { ...found, headers: { ...found.headers, ...extra } };
    if (!result) {
      this.violations.push(`${where}: the stand-in does not implement ${match.operationId}`);
      return { status: 501, body: { message: `Not implemented by the stand-in: ${match.operationId}` } };
    }
    const check = () => {
      const problems = validateResponse(match, result.status, result.body);
      if (problems.length) this.violations.push(`${where} (${match.operationId}) response: ${problems.join('; ')}`);
    };
    return { ...result, check };
  }

  /** Whose rate limit a request counts against: the token, the installation (all its tokens) or the App; none when anonymous. */
  private rateLimitKey(req: IncomingMessage, record: RequestRecord): string | undefined {
    const credential = (req.headers.authorization ?? '').split(' ')[1] ?? '';
    if (record.auth === 'token') return `token ${credential}`;
    if (record.auth === 'installation') return `installation ${this.store.installationTokens.get(credential)}`;
    if (record.auth === 'app') return `app ${this.options.app?.id}`;
    return undefined;
  }

  /** The App's slug; its bot user, who writes with installation tokens, is `<slug>[bot]`. */
  private get appSlug(): string {
    return this.options.app?.slug ?? 'issueflow';
  }

  /** The login the request acts as ('' when anonymous), or undefined for bad credentials. */
  private authenticate(req: IncomingMessage, operationId: string, params: Record<string, string>, record: RequestRecord): string | undefined {
    const [scheme, credential] = (req.headers.authorization ?? '').split(' ');
    // GitHub converts a manifest code for whoever holds it; setup has no credentials yet.
    if (!credential || operationId === 'apps/create-from-manifest') {
      if (!PUBLIC_READS.has(operationId)) return undefined;
      record.auth = 'anonymous';
      return '';
    }
    const app = this.options.app;
    if (operationId.startsWith('apps/')) {
      if (!app || scheme.toLowerCase() !== 'bearer' || !verifyJwt(credential, app.id, app.publicKey)) return undefined;
      record.auth = 'app';
      return `${this.appSlug}[bot]`;
    }
    const installationId = this.store.installationTokens.get(credential);
    if (installationId !== undefined) {
      const repo = params.owner && this.store.repo(params.owner, params.repo);
      if (repo && repo.installationId !== installationId) return undefined;
      record.auth = 'installation';
      return `${this.appSlug}[bot]`;
    }
    const login = (this.options.tokens ?? { 'standin-token': 'issueflow-bot' })[credential];
    if (login) record.auth = 'token';
    return login;
  }
}

function verifyJwt(jwt: string, appId: number, publicKey: KeyObject | string): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
  if (String(claims.iss) !== String(appId) || !claims.exp || claims.exp * 1000 < Date.now()) return false;
  return createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: RouteResult): void {
  const headers: Record<string, string> = { 'x-github-request-id': `STANDIN:${Date.now().toString(16)}`, ...result.headers };
  if (result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(result.body));
}
