import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IssueState } from '../../../src/domain/states';
import type { IssueStatus } from '../../../src/domain/status';
import type { IssueWorkflowResult } from '../../../src/workflows/messages';
import { pushCommit, type TestRepo } from '../../support/git-repos';
import type { EmittedWebhook, GithubStandin, StandinPull, WebhookEvent, WebhookInput } from '../../support/github-standin';
import type { TestDatabase } from '../../support/database';
import type { DeliveryOptions, DeliveryRecord, WebhookSender } from './deliveries';
import { replayEveryHistory } from './replay';
import {
  branchCommits,
  branchDiff,
  branchFiles,
  commentsByKind,
  commentsOf,
  labelHistory,
  stateLabelsAdded,
  type E2EIssue,
  type ObservedComment,
} from './observe';
import type { IssueflowProcess } from './processes';
import type { OwnPostgres, OwnTemporal } from './own-infra';
import { waitForWorker } from './processes';
import { poll } from './poll';

/** What `GET /jobs/:id` answers. */
export interface JobView {
  workflowId: string;
  status: string;
  state?: string;
  issue: IssueStatus | null;
  issueError?: string;
}

export interface E2EParts {
  repo: string;
  standin: GithubStandin;
  bare: TestRepo;
  db: TestDatabase;
  temporal: TestWorkflowEnvironment;
  api: IssueflowProcess;
  /** The `issueflow worker` processes; the first shares the API's data dir (option `hosts`). */
  workers: IssueflowProcess[];
  apiUrl: string;
  env: Record<string, string>;
  secrets: { githubToken: string; webhookSecret: string; apiToken: string; databaseUrl: string };
  queues: { main: string; writes: string; agents: string };
  webhooks: WebhookSender;
  echoOwnWrites: boolean;
  /** The suite's own Temporal dev server / PostgreSQL (options `temporal: 'own-sqlite'`, `postgres: 'own'`). */
  own?: { temporal?: OwnTemporal; postgres?: OwnPostgres };
  cleanup: () => Promise<void>;
}

/** The stand-in's login for issueflow (the user of the harness's GITHUB_TOKEN). */
export const BOT_LOGIN = 'issueflow-bot';

const issuePath = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\//;

/**
 * How the webhooks of a merge reach issueflow: as GitHub usually sends them (the PR's, then the fixed
 * issues'), the issues' first, or without the PR's (lost).
 */
export type MergeDelivery = 'pull-request-first' | 'issues-first' | 'drop-pull-request';

/** A running e2e setup: people's actions (each with its signed webhooks), waits and snapshots. See README.md. */
export class E2E {
  readonly repo: string;
  readonly standin: GithubStandin;
  readonly bare: TestRepo;
  readonly db: TestDatabase;
  readonly temporal: TestWorkflowEnvironment;
  readonly client: Client;
  readonly api: IssueflowProcess;
  /** The first (often only) worker process. */
  readonly worker: IssueflowProcess;
  readonly workers: IssueflowProcess[];
  readonly apiUrl: string;
  readonly env: Record<string, string>;
  readonly secrets: E2EParts['secrets'];
  readonly webhooks: WebhookSender;
  private readonly parts: E2EParts;
  /** Set while a person's merge collects the webhooks it causes, to deliver them in the order asked. */
  private collecting?: EmittedWebhook[];

  constructor(parts: E2EParts) {
    this.parts = parts;
    ({ repo: this.repo, standin: this.standin, bare: this.bare, db: this.db, temporal: this.temporal, api: this.api, workers: this.workers } = parts);
    this.worker = this.workers[0];
    ({ apiUrl: this.apiUrl, env: this.env, secrets: this.secrets, webhooks: this.webhooks } = parts);
    this.client = parts.temporal.client;
    if (parts.echoOwnWrites) this.echoOwnWrites();
    // GitHub's own webhooks about changes in the stand-in (a merge through the API): delivered as they come.
    this.standin.onWebhooks((webhooks) => {
      if (this.collecting) this.collecting.push(...webhooks);
      else for (const w of webhooks) this.webhooks.sendLater(w.event, w.input, false);
    });
  }

  // ---- people on GitHub ------------------------------------------------------------------------

  /** Opens an issue as `author` and delivers `issues.opened`, then `issues.labeled` for each label (by `labeledBy`). */
  async openIssue(input: { author?: string; title: string; body?: string; labels?: string[]; labeledBy?: string }): Promise<E2EIssue> {
    const author = input.author ?? 'alice';
    const labels = input.labels ?? ['agent'];
    const created = this.standin.openIssue(this.repo, { author, title: input.title, body: input.body ?? '', labels });
    const issue = { repo: this.repo, number: created.number, workflowId: `${this.repo}#${created.number}` };
    await this.deliver('issues.opened', { repo: this.repo, number: issue.number, sender: author });
    for (const label of labels) await this.deliver('issues.labeled', { repo: this.repo, number: issue.number, label, sender: input.labeledBy ?? author });
    return issue;
  }

  /** Comments on an issue (or a PR) as `author`; delivers `issue_comment.created`. Returns the comment id. */
  async comment(issue: { number: number }, author: string, body: string): Promise<number> {
    const c = this.standin.addComment(this.repo, issue.number, { author, body });
    await this.deliver('issue_comment.created', { repo: this.repo, number: issue.number, commentId: c.id, sender: author });
    return c.id;
  }

  /** A review of a PR: a submitted review with a body, or with `path` a line comment (`pull_request_review_comment.created`). */
  async review(pr: { number: number }, author: string, body: string, options: { state?: 'approved' | 'changes_requested' | 'commented'; path?: string } = {}): Promise<DeliveryRecord> {
    if (options.path) return this.deliver('pull_request_review_comment.created', { repo: this.repo, number: pr.number, review: { body, path: options.path, author }, sender: author });
    return this.deliver('pull_request_review.submitted', { repo: this.repo, number: pr.number, review: { state: options.state ?? 'changes_requested', body, author }, sender: author });
  }

  /**
   * Merges a PR as GitHub does (the stand-in's merge: `main` fast-forwarded in the bare repo when it can, the
   * issues its body fixes closed as completed, the branch deleted with `deleteBranchOnMerge`) and delivers
   * the webhooks in the order `delivery` asks. Returns the deliveries in the order they were made.
   */
  async mergePullRequest(pr: { number: number }, by?: string, delivery: MergeDelivery = 'pull-request-first'): Promise<DeliveryRecord[]> {
    const emitted: EmittedWebhook[] = [];
    this.collecting = emitted;
    try {
      this.standin.mergePullRequest(this.repo, pr.number, by ?? this.repo.split('/')[0]);
    } finally {
      this.collecting = undefined;
    }
    const isPull = (w: EmittedWebhook) => w.event === 'pull_request.closed';
    const issues = emitted.filter((w) => !isPull(w));
    const ordered = delivery === 'pull-request-first' ? emitted : delivery === 'issues-first' ? [...issues, ...emitted.filter(isPull)] : issues;
    const records: DeliveryRecord[] = [];
    for (const w of ordered) records.push(await this.deliver(w.event, w.input));
    return records;
  }

  /** Closes an issue as `by` (default the repo owner), as completed unless told otherwise (GitHub's default); delivers `issues.closed`. */
  async closeIssue(issue: { number: number }, by?: string, reason: 'completed' | 'not_planned' = 'completed'): Promise<DeliveryRecord> {
    const i = this.standin.issue(this.repo, issue.number);
    Object.assign(i, { state: 'closed', stateReason: reason, closedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    return this.deliver('issues.closed', { repo: this.repo, number: issue.number, sender: by ?? this.repo.split('/')[0] });
  }

  /** Reopens an issue as `by` (default the repo owner); delivers `issues.reopened`. */
  async reopenIssue(issue: { number: number }, by?: string): Promise<DeliveryRecord> {
    Object.assign(this.standin.issue(this.repo, issue.number), { state: 'open', stateReason: 'reopened', closedAt: null });
    return this.deliver('issues.reopened', { repo: this.repo, number: issue.number, sender: by ?? this.repo.split('/')[0] });
  }

  /** Edits the issue's body as `by`; delivers `issues.edited`. */
  async editIssue(issue: { number: number }, body: string, by?: string): Promise<DeliveryRecord> {
    const i = this.standin.issue(this.repo, issue.number);
    const from = i.body;
    i.body = body;
    return this.deliver('issues.edited', { repo: this.repo, number: issue.number, changes: { body: { from } }, sender: by ?? i.author });
  }

  /** Commits `.github/issueflow.yml` to `main`, in the stand-in and the bare repo alike. */
  setRepoConfig(yaml: string): void {
    this.standin.putFile(this.repo, '.github/issueflow.yml', yaml);
    pushCommit(this.bare, 'main', { '.github/issueflow.yml': yaml }, 'Change the issueflow config');
  }

  /** Delivers any event the stand-in can build (with the harness's duplicate settings unless overridden). */
  deliver(event: WebhookEvent, input: WebhookInput, options?: DeliveryOptions & { secret?: string }): Promise<DeliveryRecord> {
    return this.webhooks.send(event, input, options);
  }

  /** GitHub sends webhooks for issueflow's own writes too; with `echoOwnWrites` the harness does the same. */
  private echoOwnWrites(): void {
    this.standin.afterHandle((record, body) => {
      const number = Number(issuePath.exec(record.path)?.[1]);
      if (!number) return;
      if (record.operationId === 'issues/create-comment' && record.status === 201) {
        this.webhooks.sendLater('issue_comment.created', { repo: this.repo, number, commentId: (body as { id: number }).id, sender: BOT_LOGIN });
      }
      if (record.operationId === 'issues/add-labels' && record.status === 200) {
        const raw = record.body as { labels?: unknown[] } | unknown[];
        for (const l of Array.isArray(raw) ? raw : (raw.labels ?? [])) {
          const label = typeof l === 'string' ? l : String((l as { name?: string }).name);
          this.webhooks.sendLater('issues.labeled', { repo: this.repo, number, label, sender: BOT_LOGIN });
        }
      }
    });
  }

  // ---- waiting ---------------------------------------------------------------------------------

  /** `GET /jobs/:id` with the API token. */
  async job(issue: E2EIssue): Promise<JobView | undefined> {
    const res = await fetch(`${this.apiUrl}/jobs/${encodeURIComponent(issue.workflowId)}`, { headers: { authorization: `Bearer ${this.secrets.apiToken}` } });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET /jobs/${issue.workflowId} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as JobView;
  }

  /** Waits until the workflow's status query (through the jobs API) says `state`. */
  async waitForState(issue: E2EIssue, state: IssueState, timeoutMs = 60_000): Promise<IssueStatus> {
    return poll(`${issue.workflowId} in state ${state}`, timeoutMs, async () => {
      const job = await this.job(issue);
      return job?.issue?.state === state ? job.issue : undefined;
    }, () => this.diagnose(issue));
  }

  /** Waits for the workflow run to end and returns its result (throws with its failure). */
  async waitForEnd(issue: E2EIssue, timeoutMs = 60_000): Promise<IssueWorkflowResult> {
    // The long poll is aborted when the wait ends either way: a poll left running is retried by the
    // client after the suite closed its connection, which fails the suite ("Channel has been shut down").
    const abort = new AbortController();
    const handle = this.client.workflow.getHandle(issue.workflowId);
    const result = this.client.connection.withAbortSignal(abort.signal, () => handle.result()) as Promise<IssueWorkflowResult>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${issue.workflowId} did not end within ${timeoutMs} ms.\n${this.diagnose(issue)}`)), timeoutMs);
    });
    return Promise.race([result, timeout]).finally(() => {
      clearTimeout(timer);
      abort.abort();
    });
  }

  /** Waits until the issue carries `label`. */
  waitForLabel(issue: E2EIssue, label: string, timeoutMs = 60_000): Promise<string[]> {
    return poll(`label ${label} on ${issue.workflowId}`, timeoutMs, () => {
      const labels = this.standin.labelsOf(this.repo, issue.number);
      return labels.includes(label) ? labels : undefined;
    }, () => this.diagnose(issue));
  }

  /** Waits until issueflow opened the issue's pull request (head `issueflow/issue-N`). */
  waitForPullRequest(issue: E2EIssue, timeoutMs = 60_000): Promise<StandinPull> {
    return poll(`pull request of ${issue.workflowId}`, timeoutMs, () => this.pullRequestOf(issue), () => this.diagnose(issue));
  }

  /** Waits until issueflow's comment of `kind` is on the issue (and `matches` it, when given). */
  waitForComment(issue: E2EIssue, kind: string, timeoutMs = 60_000, matches: (c: ObservedComment) => boolean = () => true): Promise<ObservedComment> {
    return poll(`${kind} comment on ${issue.workflowId}`, timeoutMs, () => this.comments(issue).find((c) => c.kind === kind && matches(c)), () => this.diagnose(issue));
  }

  /** Polls `check` until it returns something other than undefined/false. */
  waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    return poll(what, timeoutMs, check, () => this.diagnose());
  }

  // ---- snapshots -------------------------------------------------------------------------------

  comments(issue: E2EIssue): ObservedComment[] {
    return commentsOf(this.standin, issue);
  }

  commentsByKind(issue: E2EIssue): Record<string, ObservedComment[]> {
    return commentsByKind(this.standin, issue);
  }

  /** issueflow's label changes on the issue, in order. */
  labelHistory(issue: E2EIssue) {
    return labelHistory(this.standin, issue);
  }

  /** The `agent:*` labels issueflow added, in order. */
  stateLabels(issue: E2EIssue): string[] {
    return stateLabelsAdded(this.standin, issue);
  }

  labels(issue: E2EIssue): string[] {
    return this.standin.labelsOf(this.repo, issue.number);
  }

  pullRequests(): StandinPull[] {
    return this.standin.pullRequests(this.repo);
  }

  /** issueflow's newest PR of the issue (its branch in the repo itself; a fork's PR of the same name is not). */
  pullRequestOf(issue: E2EIssue): StandinPull | undefined {
    return this.pullRequests().filter((p) => p.head === `issueflow/issue-${issue.number}` && !p.headRepo).at(-1);
  }

  branchCommits(branch: string) {
    return branchCommits(this.bare.bareDir, branch);
  }

  branchFiles(branch: string) {
    return branchFiles(this.bare.bareDir, branch);
  }

  branchDiff(branch: string) {
    return branchDiff(this.bare.bareDir, branch);
  }

  /** The agent's and tests' output as stored in `run_logs` for a workflow, all steps. */
  async runLogs(workflowId: string): Promise<Array<{ step: string; stream: string; chunk: string }>> {
    const { rows } = await this.db.pool.query('SELECT step, stream, chunk FROM run_logs WHERE workflow_id = $1 ORDER BY id', [workflowId]);
    return rows as Array<{ step: string; stream: string; chunk: string }>;
  }

  /** The workflow runs (executions) of an issue, from Temporal's visibility. */
  async workflowRuns(issue: E2EIssue): Promise<Array<{ runId: string; status: string }>> {
    const runs: Array<{ runId: string; status: string }> = [];
    for await (const wf of this.client.workflow.list({ query: `WorkflowId = '${issue.workflowId}'` })) runs.push({ runId: wf.runId, status: wf.status.name });
    return runs;
  }

  /** Issues in the repo, webhooks (distinct deliveries, echoes of issueflow's own writes), POSTs, duplicate acks. */
  counts() {
    return { issues: this.standin.repoOf(this.repo).issues.size, ...this.webhooks.counts() };
  }

  /** Prints (and returns) one line for the project's notes: the suite, its counts and its outcome. */
  summary(suite: string, outcome: string, startedAt?: number): string {
    const c = this.counts();
    const took = startedAt ? ` in ${((Date.now() - startedAt) / 1000).toFixed(1)}s` : '';
    const line = `[e2e] ${suite}: ${c.issues} issues, ${c.webhooks} webhooks (${c.echoes} echoes of issueflow's own writes), ${c.posts} POSTs, ${c.duplicates} duplicates acked; ${outcome}${took}`;
    console.log(line);
    return line;
  }

  /** A readable dump for failed waits: the job's state, issueflow's comments and labels, the processes' output. */
  diagnose(issue?: E2EIssue): string {
    const parts: string[] = [];
    if (issue) {
      parts.push(`labels: ${this.labels(issue).join(', ')}`);
      parts.push(`comments:\n${this.comments(issue).map((c) => `  [${c.author}${c.key ? ` ${c.key}` : ''}] ${c.body.slice(0, 300).replace(/\n/g, '\n    ')}`).join('\n')}`);
    }
    this.workers.forEach((w, i) => parts.push(`worker${this.workers.length > 1 ? ` ${i}` : ''} output (tail):\n${w.output().slice(-4000)}`));
    parts.push(`api output (tail):\n${this.api.output().slice(-2000)}`);
    if (this.standin.violations.length) parts.push(`stand-in violations:\n${this.standin.violations.join('\n')}`);
    return parts.join('\n');
  }

  // ---- processes -------------------------------------------------------------------------------

  /** Kills the worker process (SIGKILL: its whole process group, like a crashed machine; SIGTERM: graceful). */
  killWorker(signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<number | null> {
    return this.worker.kill(signal);
  }

  /** Stops the worker if it runs (SIGTERM), starts it again (with `envChanges`, e.g. a new ISSUEFLOW_BUILD_ID) and waits until it polls. */
  async restartWorker(envChanges: Record<string, string> = {}): Promise<void> {
    await this.worker.kill('SIGTERM');
    this.worker.restart(envChanges);
    await waitForWorker(this.worker, this.client, this.parts.queues);
  }

  /** Kills the worker (SIGKILL), runs `whileDown` (e.g. a person's answer arriving meanwhile), starts it and waits until it polls. */
  async crashWorker(whileDown: () => unknown = () => undefined): Promise<void> {
    await this.worker.kill('SIGKILL');
    await whileDown();
    this.worker.restart();
    await waitForWorker(this.worker, this.client, this.parts.queues);
  }

  /** Stops the suite's own Temporal dev server, runs `whileDown`, starts it again (same port and SQLite file). */
  async restartTemporal(whileDown: () => unknown = () => undefined): Promise<void> {
    const own = this.parts.own?.temporal;
    if (!own) throw new Error("restartTemporal() needs startE2E({ temporal: 'own-sqlite' })");
    await own.stop();
    await whileDown();
    await own.start();
  }

  /** Stops the suite's own PostgreSQL, runs `whileDown`, starts it again (same data dir and port). */
  async restartPostgres(whileDown: () => unknown = () => undefined): Promise<void> {
    const own = this.parts.own?.postgres;
    if (!own) throw new Error("restartPostgres() needs startE2E({ postgres: 'own' })");
    await own.stop();
    await whileDown();
    await own.start();
  }

  /** Waits for webhooks in flight, then stops the processes, the servers and removes the temp dirs. */
  async stop(): Promise<void> {
    await this.webhooks.settle().catch(() => undefined);
    await Promise.all([this.api.kill('SIGTERM'), ...this.workers.map((w) => w.kill('SIGTERM'))]);
    // With E2E_HISTORY_DIR, every workflow history of the suite is kept there and replayed against the code (see README.md).
    const keepIn = process.env.E2E_HISTORY_DIR;
    let unreplayable: string[] = [];
    try {
      if (keepIn) unreplayable = await replayEveryHistory(this.client, keepIn);
    } finally {
      await this.parts.cleanup();
    }
    if (unreplayable.length) throw new Error(`workflow histories of this suite that today's code does not replay (kept in ${keepIn}):\n${unreplayable.join('\n')}`);
  }
}
