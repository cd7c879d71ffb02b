/** The stand-in's in-memory GitHub: plain records, turned into API JSON by payloads.ts. */

import { RateLimits } from './rate-limits';

export interface StandinLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface StandinReaction {
  id: number;
  content: string;
  user: string;
  createdAt: string;
}

export interface StandinComment {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
  reactions: StandinReaction[];
}

export interface StandinIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Why it is closed (GitHub's `state_reason`); null while open. */
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
}

export interface StandinPull {
  id: number;
  number: number;
  title: string;
  body: string;
  author: string;
  head: string;
  /** The fork the head branch lives in (`owner/name`, a repo of the stand-in); unset: the repository itself. */
  headRepo?: string;
  base: string;
  labels: string[];
  state: 'open' | 'closed';
  merged: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** What GitHub last computed of its mergeability (see `mergeabilityOf`). */
  mergeability?: { state: string; commits: string };
}

/** A check run on a commit; with `runId` it is a GitHub Actions job (its id is the job's id, as on GitHub). */
export interface StandinCheckRun {
  id: number;
  sha: string;
  branch: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | null;
  output: { title: string | null; summary: string | null; text: string | null };
  runId?: number;
  /** The job's log, served by the log download. */
  log: string;
  startedAt: string;
  completedAt: string | null;
}

/** A commit status (`POST /repos/{o}/{r}/statuses/{sha}` as an outside CI would). */
export interface StandinStatus {
  id: number;
  sha: string;
  branch: string;
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export interface StandinRepo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  /** `owner/name` of the repository this one is a fork of. */
  forkOf?: string;
  /** GitHub's "Automatically delete head branches": a merge deletes the PR's head branch. */
  deleteBranchOnMerge: boolean;
  /** When set, pull requests need their head branch here (as on GitHub); unset accepts any branch. */
  branches?: Set<string>;
  files: Map<string, string>;
  labels: Map<string, StandinLabel>;
  issues: Map<number, StandinIssue>;
  pulls: Map<number, StandinPull>;
  comments: StandinComment[];
  checkRuns: StandinCheckRun[];
  statuses: StandinStatus[];
  /** Workflow runs whose failed jobs were re-run, in order. */
  reruns: number[];
  /** Login -> permission (`admin`, `write`, `read`, ...). */
  collaborators: Map<string, string>;
  installationId?: number;
  /** Repository webhooks (`GET /repos/{o}/{r}/hooks`), with their recent deliveries. */
  hooks: StandinHook[];
  /** Files of branches other than the default one (created with `POST .../git/refs`, written by `PUT .../contents`). */
  branchFiles: Map<string, Map<string, string>>;
  nextNumber: number;
  createdAt: string;
}

/** A webhook (a repository's, or the App's own) and what it delivered. */
export interface StandinHook {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  deliveries: StandinHookDelivery[];
}

export interface StandinHookDelivery {
  id: number;
  guid: string;
  deliveredAt: string;
  statusCode: number;
  event: string;
  action: string | null;
}

export interface StandinInstallation {
  id: number;
  appId: number;
  account: string;
}

/** All state of one stand-in; ids come from one counter so they never collide. */
export class StandinStore {
  readonly repos = new Map<string, StandinRepo>();
  readonly installations = new Map<number, StandinInstallation>();
  /** Installation tokens issued by `POST /app/installations/{id}/access_tokens`: token -> installation id. */
  readonly installationTokens = new Map<string, number>();
  /** App manifests "posted to GitHub" (`registerManifest`): code -> manifest, converted once. */
  readonly manifests = new Map<string, Record<string, unknown>>();
  /** The App's own webhook (`GET /app/hook/config`, `/app/hook/deliveries`). */
  appHook?: StandinHook;
  /** The account that owns Apps created from manifests. */
  manifestOwner?: string;
  /** Primary rate limits by credentials key (`token <token>`, `installation <id>`, `app <id>`). */
  readonly rateLimits = new RateLimits();
  private lastId = 1000;

  nextId(): number {
    return ++this.lastId;
  }

  repo(owner: string, name: string): StandinRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  addRepo(owner: string, name: string, options: { defaultBranch?: string; private?: boolean; branches?: string[]; forkOf?: string; deleteBranchOnMerge?: boolean } = {}): StandinRepo {
    const repo: StandinRepo = {
      id: this.nextId(),
      owner,
      name,
      private: options.private ?? false,
      ...(options.forkOf ? { forkOf: options.forkOf } : {}),
      deleteBranchOnMerge: options.deleteBranchOnMerge ?? false,
      defaultBranch: options.defaultBranch ?? 'main',
      branches: options.branches && new Set([options.defaultBranch ?? 'main', ...options.branches]),
      files: new Map(),
      labels: new Map(),
      issues: new Map(),
      pulls: new Map(),
      comments: [],
      checkRuns: [],
      statuses: [],
      reruns: [],
      collaborators: new Map([[owner, 'admin']]),
      hooks: [],
      branchFiles: new Map(),
      nextNumber: 1,
      createdAt: now(),
    };
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  /** The issue side of a number: an issue, or a pull request seen as an issue (GitHub numbers both alike). */
  issueView(repo: StandinRepo, number: number): (StandinIssue & { pullRequest?: StandinPull }) | undefined {
    const issue = repo.issues.get(number);
    if (issue) return issue;
    const p = repo.pulls.get(number);
    if (!p) return undefined;
    return { id: p.id, number, title: p.title, body: p.body, author: p.author, state: p.state, labels: p.labels, assignees: [], createdAt: p.createdAt, updatedAt: p.updatedAt, closedAt: p.closedAt, pullRequest: p };
  }

  /** The repository a pull request's head branch lives in: its fork, or the repository itself. */
  headRepo(repo: StandinRepo, pull: StandinPull): StandinRepo {
    if (!pull.headRepo) return repo;
    const [owner, name] = pull.headRepo.split('/');
    return this.repo(owner, name) ?? repo;
  }

  /** Finds a label case-insensitively, as GitHub does. */
  label(repo: StandinRepo, name: string): StandinLabel | undefined {
    return repo.labels.get(name.toLowerCase());
  }

  ensureLabel(repo: StandinRepo, name: string, color = 'ededed', description: string | null = null): StandinLabel {
    const found = this.label(repo, name);
    if (found) return found;
    const label = { id: this.nextId(), name, color, description };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }
}

/** The current time as GitHub writes it (ISO 8601, seconds). */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
