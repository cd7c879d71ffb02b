import { mergePull, type EmittedWebhook } from './merge';
import { StandinServer } from './server';
import { randomBytes, randomUUID } from 'node:crypto';
import { now, type StandinHook, type StandinCheckRun, type StandinStatus, type StandinComment, type StandinIssue, type StandinPull, type StandinRepo } from './store';

/** Splits `owner/repo`. */
function split(fullName: string): [string, string] {
  const [owner, repo] = fullName.split('/');
  if (!owner || !repo) throw new Error(`Expected "owner/repo", got ${JSON.stringify(fullName)}.`);
  return [owner, repo];
}

/**
 * An in-memory GitHub for tests, the benchmark and the demo: serves the REST routes issueflow uses,
 * checks every request and response against GitHub's OpenAPI description, and injects faults on demand.
 * The methods below act as people on GitHub would, without going through the API (and its log).
 */
export class GithubStandin extends StandinServer {
  /** Creates a repository (owner is an admin collaborator); `files` are on the default branch. */
  createRepo(fullName: string, options: { defaultBranch?: string; private?: boolean; files?: Record<string, string>; branches?: string[]; forkOf?: string; deleteBranchOnMerge?: boolean } = {}): StandinRepo {
    const [owner, name] = split(fullName);
    const repo = this.store.addRepo(owner, name, options);
    for (const [path, text] of Object.entries(options.files ?? {})) repo.files.set(path, text);
    return repo;
  }

  /** Writes (or with `undefined`, deletes) a file on the default branch. */
  putFile(fullName: string, path: string, text: string | undefined): void {
    const files = this.repoOf(fullName).files;
    if (text === undefined) files.delete(path);
    else files.set(path, text);
  }

  /** Records a pushed branch (only checked when the repo was created with `branches`). */
  pushBranch(fullName: string, branch: string): void {
    const repo = this.repoOf(fullName);
    (repo.branches ??= new Set([repo.defaultBranch])).add(branch);
  }

  /** Installs the App on the repositories; returns the installation id. */
  installApp(account: string, repos: string[], appId = this.options.app?.id ?? 1): number {
    const id = this.store.nextId();
    this.store.installations.set(id, { id, appId, account });
    for (const r of repos) this.repoOf(r).installationId = id;
    return id;
  }

  /** Gives a user a permission on a repository (`admin`, `write`, `read`, `none`). */
  setPermission(fullName: string, login: string, permission: string): void {
    this.repoOf(fullName).collaborators.set(login, permission);
  }

  /** Opens an issue as `author`; labels are created when missing. */
  openIssue(fullName: string, input: { author?: string; title: string; body?: string; labels?: string[] }): StandinIssue {
    const repo = this.repoOf(fullName);
    const at = now();
    const issue: StandinIssue = {
      id: this.store.nextId(),
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      author: input.author ?? 'octocat',
      state: 'open',
      labels: (input.labels ?? []).map((l) => this.store.ensureLabel(repo, l).name),
      assignees: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** The issue (or a pull request's issue side), for assertions and for people's edits (title, body, state, labels). */
  issue(fullName: string, issueNumber: number): StandinIssue {
    const issue = this.store.issueView(this.repoOf(fullName), issueNumber);
    if (!issue) throw new Error(`No issue #${issueNumber} in ${fullName}.`);
    return issue;
  }

  /** Creates repository labels as `issueflow init` does, without a request in the log. */
  createLabels(fullName: string, labels: ReadonlyArray<{ name: string; color: string; description?: string | null }>): void {
    const repo = this.repoOf(fullName);
    for (const l of labels) this.store.ensureLabel(repo, l.name, l.color, l.description ?? null);
  }

  /** Adds a label to an issue as a person would (creating the label when missing). */
  addLabel(fullName: string, issueNumber: number, label: string): void {
    const repo = this.repoOf(fullName);
    const issue = this.issue(fullName, issueNumber);
    const name = this.store.ensureLabel(repo, label).name;
    if (!issue.labels.includes(name)) issue.labels.push(name);
  }

  /** Comments on an issue or pull request as `author`. */
  addComment(fullName: string, issueNumber: number, input: { author?: string; body: string }): StandinComment {
    const repo = this.repoOf(fullName);
    const at = now();
    const comment: StandinComment = { id: this.store.nextId(), issueNumber, body: input.body, author: input.author ?? 'octocat', createdAt: at, updatedAt: at, reactions: [] };
    repo.comments.push(comment);
    return comment;
  }

  /** The comments of an issue, oldest first. */
  listComments(fullName: string, issueNumber: number): StandinComment[] {
    return this.repoOf(fullName).comments.filter((c) => c.issueNumber === issueNumber);
  }

  /** One comment by id. */
  comment(fullName: string, commentId: number): StandinComment | undefined {
    return this.repoOf(fullName).comments.find((c) => c.id === commentId);
  }

  /** The label names of an issue. */
  labelsOf(fullName: string, issueNumber: number): string[] {
    return [...this.issue(fullName, issueNumber).labels];
  }

  /** The repository's labels with colours and descriptions. */
  repoLabels(fullName: string) {
    return [...this.repoOf(fullName).labels.values()];
  }

  /** The pull requests of a repository (all states). */
  pullRequests(fullName: string): StandinPull[] {
    return [...this.repoOf(fullName).pulls.values()];
  }

  /** Opens a pull request from `head` as `author` (default: against the default branch); `headRepo`: from that fork (create it first). */
  openPullRequest(fullName: string, input: { head: string; headRepo?: string; base?: string; title: string; body?: string; author?: string }): StandinPull {
    const repo = this.repoOf(fullName);
    if (input.headRepo) this.repoOf(input.headRepo);
    const at = now();
    const pull: StandinPull = { id: this.store.nextId(), number: repo.nextNumber++, title: input.title, body: input.body ?? '', author: input.author ?? 'octocat', head: input.head, ...(input.headRepo ? { headRepo: input.headRepo } : {}), base: input.base ?? repo.defaultBranch, labels: [], state: 'open', merged: false, createdAt: at, updatedAt: at, closedAt: null };
    repo.pulls.set(pull.number, pull);
    return pull;
  }

  /** Closes (and optionally merges) a pull request as a person would. */
  closePullRequest(fullName: string, pullNumber: number, merged = false): StandinPull {
    const pull = this.repoOf(fullName).pulls.get(pullNumber);
    if (!pull) throw new Error(`No pull request #${pullNumber} in ${fullName}.`);
    Object.assign(pull, { state: 'closed', merged, closedAt: now(), updatedAt: now() });
    return pull;
  }

  /**
   * Merges a pull request as `by` would in GitHub's UI (see `mergePull`: fixed issues closed as completed,
   * the head branch deleted with `deleteBranchOnMerge`); the webhooks go to `onWebhooks` listeners and are returned.
   */
  mergePullRequest(fullName: string, pullNumber: number, by: string): EmittedWebhook[] {
    const repo = this.repoOf(fullName);
    const pull = repo.pulls.get(pullNumber);
    if (!pull) throw new Error(`No pull request #${pullNumber} in ${fullName}.`);
    if (pull.state !== 'open') throw new Error(`Pull request #${pullNumber} in ${fullName} is ${pull.state}, so it cannot be merged.`);
    const webhooks = mergePull(repo, pull, by, this.branches);
    this.emit(webhooks);
    return webhooks;
  }

  /**
   * Reports a check run on `sha` as CI would, a GitHub Actions job unless `actions: false` (a re-run's queued
   * job of that name is the one that reports); `conclusion` null: still running. Emits its `check_run` webhook.
   */
  setCheck(fullName: string, input: { sha: string; branch: string; name: string; conclusion: 'success' | 'failure' | null; output?: Partial<StandinCheckRun['output']>; log?: string; actions?: boolean }): StandinCheckRun {
    const repo = this.repoOf(fullName);
    const bySha = repo.checkRuns.filter((r) => r.sha === input.sha);
    const open = bySha.find((r) => r.name === input.name && r.status !== 'completed');
    const done = input.conclusion !== null;
    const fields = { status: done ? ('completed' as const) : ('in_progress' as const), conclusion: input.conclusion, output: { title: null, summary: null, text: null, ...input.output }, log: input.log ?? '', completedAt: done ? now() : null };
    const runId = input.actions === false ? undefined : (bySha.find((r) => r.runId !== undefined)?.runId ?? this.store.nextId());
    const run = open ? Object.assign(open, fields) : { id: this.store.nextId(), sha: input.sha, branch: input.branch, name: input.name, ...(runId !== undefined ? { runId } : {}), startedAt: now(), ...fields };
    if (!open) repo.checkRuns.push(run);
    const suite = run.runId ?? run.id;
    const suiteDone = repo.checkRuns.every((r) => (r.runId ?? r.id) !== suite || r.status === 'completed');
    this.emit([
      { event: done ? 'check_run.completed' : 'check_run.created', input: { repo: fullName, number: 0, checkRunId: run.id } },
      // GitHub sends check_suite.completed once every run of the suite has completed.
      ...(done && suiteDone ? [{ event: 'check_suite.completed' as const, input: { repo: fullName, number: 0, checkSuiteId: suite } }] : []),
    ]);
    return run;
  }

  /** Sets a commit status on `sha` as an outside CI would; emits its `status` webhook. */
  setStatus(fullName: string, input: { sha: string; branch: string; context: string; state: StandinStatus['state']; targetUrl?: string; description?: string }): StandinStatus {
    const repo = this.repoOf(fullName);
    const status: StandinStatus = { id: this.store.nextId(), sha: input.sha, branch: input.branch, context: input.context, state: input.state, description: input.description ?? null, targetUrl: input.targetUrl ?? null, createdAt: now() };
    repo.statuses.push(status);
    this.emit([{ event: 'status', input: { repo: fullName, number: 0, statusId: status.id } }]);
    return status;
  }

  /**
   * Plays github.com's "Create GitHub App" page for a manifest a browser posted (`owner`: the account that
   * creates it): returns the code GitHub appends to the manifest's `redirect_url`.
   */
  registerManifest(manifest: Record<string, unknown>, owner = 'octocat'): string {
    const code = randomBytes(10).toString('hex');
    this.store.manifests.set(code, manifest);
    this.store.manifestOwner = owner;
    return code;
  }

  /** Adds a repository webhook (as in Settings -> Webhooks); `deliveries`: the status codes of its recent deliveries, newest first. */
  addHook(fullName: string, input: { url: string; events: string[]; active?: boolean; deliveries?: number[] }): StandinHook {
    const hook: StandinHook = { id: this.store.nextId(), url: input.url, events: input.events, active: input.active ?? true, deliveries: [] };
    for (const code of [...(input.deliveries ?? [])].reverse()) this.recordDelivery(hook, code);
    this.repoOf(fullName).hooks.push(hook);
    return hook;
  }

  /** Records a delivery (newest first) of a repository webhook or of the App's (`store.appHook`). */
  recordDelivery(hook: StandinHook, statusCode: number, event = 'issues'): void {
    hook.deliveries.unshift({ id: this.store.nextId(), guid: randomUUID(), deliveredAt: now(), statusCode, event, action: event === 'issues' ? 'opened' : null });
  }

  /** The repository record itself. */
  repoOf(fullName: string): StandinRepo {
    const [owner, name] = split(fullName);
    const repo = this.store.repo(owner, name);
    if (!repo) throw new Error(`No repository ${fullName} in the stand-in: call createRepo first.`);
    return repo;
  }
}
