import { parseMarker } from '../../../src/domain/markers';
import type { GithubStandin, RequestRecord } from '../../support/github-standin';
import { git } from '../../support/git-repos';

/** An issue handed to issueflow in an e2e run. */
export interface E2EIssue {
  repo: string;
  number: number;
  /** `owner/repo#n`, the issue workflow's id. */
  workflowId: string;
}

/** A comment on an issue, with issueflow's marker read back and the edits the request log shows. */
export interface ObservedComment {
  id: number;
  author: string;
  body: string;
  /** The marker's key (`status`, `question-1`, `summary-1`, ...) for issueflow's comments. */
  key?: string;
  /** The key without its counters (`question`, `summary`, `plan-question`, `question-reminder`). */
  kind?: string;
  /** Which workflow's marker it carries. */
  workflowId?: string;
  /** How many times it was edited through the API (PATCH requests). */
  edits: number;
}

/** One change of an issue's labels made through the API (issueflow's writes), in order. */
export interface LabelChange {
  at: number;
  op: 'add' | 'remove';
  label: string;
}

const ok = (r: RequestRecord) => r.status !== undefined && r.status >= 200 && r.status < 300;

/** `question-2-reminder` -> `question-reminder`. */
export function kindOf(key: string): string {
  return key.replace(/-\d+(?=-|$)/g, '');
}

/** The comments of an issue, oldest first, issueflow's with their marker key and kind. */
export function commentsOf(standin: GithubStandin, issue: Pick<E2EIssue, 'repo' | 'number'>): ObservedComment[] {
  const [owner, name] = issue.repo.split('/');
  const editPath = (id: number) => `/repos/${owner}/${name}/issues/comments/${id}`;
  return standin.listComments(issue.repo, issue.number).map((c) => {
    const marker = parseMarker(c.body);
    const edits = standin.requests.filter((r) => r.method === 'PATCH' && r.path === editPath(c.id) && ok(r)).length;
    return { id: c.id, author: c.author, body: c.body, edits, ...(marker ? { key: marker.key, kind: kindOf(marker.key), workflowId: marker.workflowId } : {}) };
  });
}

/** issueflow's comments grouped by kind. */
export function commentsByKind(standin: GithubStandin, issue: E2EIssue): Record<string, ObservedComment[]> {
  const out: Record<string, ObservedComment[]> = {};
  for (const c of commentsOf(standin, issue)) if (c.kind) (out[c.kind] ??= []).push(c);
  return out;
}

/** The label changes issueflow made on an issue, from the stand-in's request log. */
export function labelHistory(standin: GithubStandin, issue: Pick<E2EIssue, 'repo' | 'number'>): LabelChange[] {
  const base = `/repos/${issue.repo}/issues/${issue.number}/labels`;
  const changes: LabelChange[] = [];
  for (const r of standin.requests) {
    if (!ok(r)) continue;
    if (r.method === 'POST' && r.path === base) {
      const body = r.body as { labels?: unknown[] } | unknown[] | undefined;
      const list = Array.isArray(body) ? body : (body?.labels ?? []);
      for (const l of list) changes.push({ at: r.at, op: 'add', label: typeof l === 'string' ? l : String((l as { name?: string }).name) });
    } else if (r.method === 'DELETE' && r.path.startsWith(`${base}/`)) {
      changes.push({ at: r.at, op: 'remove', label: decodeURIComponent(r.path.slice(base.length + 1)) });
    }
  }
  return changes;
}

/** The `agent:*` labels issueflow added, in order (`agent:queued`, `agent:parsing`, ...). */
export function stateLabelsAdded(standin: GithubStandin, issue: E2EIssue): string[] {
  return labelHistory(standin, issue)
    .filter((c) => c.op === 'add' && c.label.startsWith('agent:'))
    .map((c) => c.label);
}

/**
 * Whether `shown` walks `story` in order, skipping some of it: status writes are coalesced, so a state that
 * passed within seconds of the last write gets no label of its own (questions, plans and ends always do).
 */
export function inStoryOrder(shown: string[], story: string[]): boolean {
  let i = 0;
  for (const label of shown) {
    while (i < story.length && story[i] !== label) i++;
    if (i++ >= story.length) return false;
  }
  return true;
}

/** One commit of a branch (not on the base branch), oldest first. */
export interface BranchCommit {
  sha: string;
  author: string;
  subject: string;
}

/** The commits on `branch` that are not on `base`, oldest first. */
export function branchCommits(bareDir: string, branch: string, base = 'main'): BranchCommit[] {
  const out = git(['log', '--reverse', '--format=%H%x09%an%x09%s', `${base}..${branch}`], bareDir);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, author, subject] = line.split('\t');
      return { sha, author, subject };
    });
}

/** The files on `branch`, path -> content. */
export function branchFiles(bareDir: string, branch: string): Record<string, string> {
  const paths = git(['ls-tree', '-r', '--name-only', branch], bareDir).split('\n').filter(Boolean);
  return Object.fromEntries(paths.map((p) => [p, git(['show', `${branch}:${p}`], bareDir)]));
}

/** `git diff base...branch`, and the names of the files it touches. */
export function branchDiff(bareDir: string, branch: string, base = 'main'): { patch: string; files: string[] } {
  return {
    patch: git(['diff', `${base}...${branch}`], bareDir),
    files: git(['diff', '--name-only', `${base}...${branch}`], bareDir).split('\n').filter(Boolean),
  };
}
