import type { RouteContext, RouteResult } from './routes';
import type { Payloads } from './payloads';
import { now, type StandinCheckRun, type StandinRepo, type StandinStatus } from './store';

/** GitHub Actions as an App: the author of Actions' check runs. */
export const ACTIONS_APP = { id: 15368, slug: 'github-actions', owner: 'github' };

/** Where the stand-in serves job logs, as GitHub's log storage would (outside the REST API). */
export const LOG_PATH = '/_standin/job-logs/';

const notFound = (): RouteResult => ({ status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } });

/** A check run as the REST API shows it (the `check-run` schema). */
export function checkRunJson(api: Payloads, repo: StandinRepo, r: StandinCheckRun) {
  const html = r.runId !== undefined ? `${api.base}/${repo.owner}/${repo.name}/actions/runs/${r.runId}/job/${r.id}` : `${api.base}/${repo.owner}/${repo.name}/runs/${r.id}`;
  const url = `${api.base}/repos/${repo.owner}/${repo.name}/check-runs/${r.id}`;
  return {
    id: r.id, node_id: `CR_${r.id}`, head_sha: r.sha, name: r.name, url, html_url: html, details_url: html, external_id: String(r.id),
    status: r.status, conclusion: r.conclusion, started_at: r.startedAt, completed_at: r.completedAt,
    output: { ...r.output, annotations_count: 0, annotations_url: `${url}/annotations` },
    check_suite: { id: r.runId ?? r.id }, app: api.app(ACTIONS_APP), pull_requests: [],
  };
}

/** A commit status (the `simple-commit-status` schema). */
export function statusJson(api: Payloads, repo: StandinRepo, s: StandinStatus) {
  return {
    id: s.id, node_id: `SC_${s.id}`, state: s.state, context: s.context, description: s.description, target_url: s.targetUrl,
    avatar_url: null, url: `${api.base}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`, created_at: s.createdAt, updated_at: s.createdAt,
  };
}

/** GitHub's combined state: failure over pending over success; no statuses at all reads as pending. */
function combinedState(statuses: StandinStatus[]): string {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  return statuses.length && statuses.every((s) => s.state === 'success') ? 'success' : 'pending';
}

/** The latest status of each context of a commit, newest first. */
function latestStatuses(repo: StandinRepo, sha: string): StandinStatus[] {
  const seen = new Set<string>();
  return [...repo.statuses].reverse().filter((s) => s.sha === sha && !seen.has(s.context) && seen.add(s.context));
}

/** The CI routes: check runs, commit statuses, Actions job logs and re-runs. */
export const checkHandlers: Record<string, (ctx: RouteContext, repo: StandinRepo) => RouteResult> = {
  'checks/list-for-ref': (ctx, repo) => {
    const all = repo.checkRuns.filter((r) => r.sha === ctx.params.ref);
    // filter=latest (the default): the newest run of each name.
    const runs = ctx.query.filter === 'all' ? all : all.filter((r) => r === [...all].reverse().find((x) => x.name === r.name));
    return { status: 200, body: { total_count: runs.length, check_runs: runs.map((r) => checkRunJson(ctx.payloads, repo, r)) } };
  },
  'checks/get': (ctx, repo) => {
    const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
    return run ? { status: 200, body: checkRunJson(ctx.payloads, repo, run) } : notFound();
  },
  'repos/get-combined-status-for-ref': (ctx, repo) => {
    const sha = ctx.params.ref;
    const statuses = latestStatuses(repo, sha);
    const api = `${ctx.payloads.base}/repos/${repo.owner}/${repo.name}`;
    const body = { state: combinedState(statuses), sha, total_count: statuses.length, statuses: statuses.map((s) => statusJson(ctx.payloads, repo, s)), repository: ctx.payloads.repo(repo), commit_url: `${api}/commits/${sha}`, url: `${api}/commits/${sha}/status` };
    return { status: 200, body };
  },
  'actions/download-job-logs-for-workflow-run': (ctx, repo) => {
    const job = repo.checkRuns.find((r) => r.id === Number(ctx.params.job_id) && r.runId !== undefined);
    if (!job) return notFound();
    // As on GitHub: a redirect to the log's storage, which Octokit follows.
    return { status: 302, headers: { location: `${ctx.payloads.base}${LOG_PATH}${repo.owner}/${repo.name}/${job.id}` } };
  },
  'actions/re-run-workflow-failed-jobs': (ctx, repo) => {
    const runId = Number(ctx.params.run_id);
    const failed = repo.checkRuns.filter((r) => r.runId === runId && r.conclusion === 'failure');
    if (!failed.length) return { status: 403, body: { message: 'This workflow run cannot be retried', documentation_url: 'https://docs.github.com/rest' } };
    repo.reruns.push(runId);
    // The re-run's jobs are new check runs of the same names, queued (GitHub keeps the failed ones).
    for (const f of failed) repo.checkRuns.push({ ...f, id: ctx.store.nextId(), status: 'queued', conclusion: null, output: { title: null, summary: null, text: null }, log: '', startedAt: now(), completedAt: null });
    return { status: 201, body: {} };
  },
};

/** The text of a job's log, for `LOG_PATH` requests; undefined when there is no such job. */
export function jobLog(repo: StandinRepo | undefined, jobId: number): string | undefined {
  return repo?.checkRuns.find((r) => r.id === jobId)?.log;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The CI parts of a `check_run`, `check_suite` or `status` webhook, over GitHub's example payload `p`. */
export function ciWebhookParts(api: Payloads, repo: StandinRepo, name: string, p: Json, input: { checkRunId?: number; checkSuiteId?: number; statusId?: number }): Json {
  if (name === 'check_suite') {
    const runs = repo.checkRuns.filter((r) => (r.runId ?? r.id) === input.checkSuiteId);
    const head = runs[0] ?? fail(`check suite ${input.checkSuiteId}`);
    const done = runs.every((r) => r.status === 'completed');
    const conclusion = !done ? null : runs.some((r) => r.conclusion === 'failure') ? 'failure' : 'success';
    const suite = { ...p.check_suite, id: input.checkSuiteId, node_id: `CS_${input.checkSuiteId}`, head_branch: head.branch, head_sha: head.sha, after: head.sha, status: done ? 'completed' : 'in_progress', conclusion, pull_requests: [], url: `${api.base}/repos/${repo.owner}/${repo.name}/check-suites/${input.checkSuiteId}` };
    return { check_suite: suite };
  }
  if (name === 'check_run') {
    const run = repo.checkRuns.find((r) => r.id === input.checkRunId) ?? fail(`check run ${input.checkRunId}`);
    const suite = { ...p.check_run.check_suite, id: run.runId ?? run.id, head_branch: run.branch, head_sha: run.sha, after: run.sha, status: run.status, conclusion: run.conclusion, pull_requests: [] };
    return { check_run: { ...p.check_run, ...checkRunJson(api, repo, run), app: p.check_run.app, check_suite: suite } };
  }
  const s = repo.statuses.find((x) => x.id === input.statusId) ?? fail(`status ${input.statusId}`);
  const commitUrl = `${api.base}/repos/${repo.owner}/${repo.name}/commits/${s.sha}`;
  return {
    id: s.id, sha: s.sha, name: `${repo.owner}/${repo.name}`, target_url: s.targetUrl, context: s.context, description: s.description, state: s.state,
    // GitHub's example predates `verified_at`, which the description requires.
    commit: { ...p.commit, sha: s.sha, node_id: `C_${s.sha}`, url: commitUrl, commit: { ...p.commit.commit, verification: { verified_at: null, ...p.commit.commit.verification } } },
    branches: [{ name: s.branch, commit: { sha: s.sha, url: commitUrl }, protected: false }], created_at: s.createdAt, updated_at: s.createdAt,
  };
}

function fail(what: string): never {
  throw new Error(`Cannot build the webhook: ${what} does not exist in the stand-in.`);
}
