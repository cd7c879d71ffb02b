import { now, type StandinPull, type StandinRepo } from './store';
import type { WebhookEvent, WebhookInput } from './webhooks';

/** Where the branches live when not in the stand-in itself (StandinOptions; the e2e harness: a real bare repo). */
export interface BranchStore {
  /** Brings `head` into `base` (e.g. a fast-forward in the bare repo). */
  mergeBranches?: (fullName: string, base: string, head: string) => void;
  deleteBranch?: (fullName: string, branch: string) => void;
  /**
   * Whether `head` merges into `base` (e.g. `git merge-tree` in a real bare repo): `dirty` on conflicts,
   * `behind` when it lacks commits of `base`; `commits` names both tips, so a change is noticed.
   */
  mergeability?: (fullName: string, base: string, head: string) => { state: Mergeability; commits: string };
}

/** The `mergeable_state`s the stand-in computes: GitHub's others (blocked, unstable, ...) need checks and rules it has not. */
export type Mergeability = 'clean' | 'dirty' | 'behind';

/**
 * `mergeable` and `mergeable_state` of an open PR as `GET /pulls/{n}` shows them. GitHub computes them
 * lazily, in the background, after a read: the first read after either tip moved answers `null` / `unknown`.
 */
export function mergeabilityOf(repo: StandinRepo, pull: StandinPull, branches: BranchStore): { mergeable: boolean | null; mergeable_state: string } {
  if (pull.state !== 'open' || !branches.mergeability) return { mergeable: true, mergeable_state: 'clean' };
  const now = branches.mergeability(`${repo.owner}/${repo.name}`, pull.base, pull.head);
  const computed = pull.mergeability?.commits === now.commits;
  pull.mergeability = now;
  return computed ? { mergeable: now.state !== 'dirty', mergeable_state: now.state } : { mergeable: null, mergeable_state: 'unknown' };
}

/** A webhook the stand-in's state change makes GitHub send. */
export interface EmittedWebhook {
  event: WebhookEvent;
  input: WebhookInput;
}

// GitHub's closing keywords: https://docs.github.com/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi;

/** The issue numbers a pull request body closes on merge ("Fixes #12", "Closes #3", "Resolves #4"). */
export function issuesClosedBy(body: string): number[] {
  return [...new Set([...body.matchAll(CLOSING)].map((m) => Number(m[1])))];
}

/**
 * Merges a pull request as GitHub does: the PR is closed as merged, the open issues its body fixes are
 * closed as completed (when it merges into the default branch), and with `delete_branch_on_merge` its
 * head branch is deleted. Returns the webhooks GitHub sends, in the order it usually sends them.
 */
export function mergePull(repo: StandinRepo, pull: StandinPull, by: string, branches: BranchStore): EmittedWebhook[] {
  const fullName = `${repo.owner}/${repo.name}`;
  const at = now();
  branches.mergeBranches?.(fullName, pull.base, pull.head);
  Object.assign(pull, { state: 'closed', merged: true, closedAt: at, updatedAt: at });
  const emitted: EmittedWebhook[] = [{ event: 'pull_request.closed', input: { repo: fullName, number: pull.number, sender: by } }];
  const closes = pull.base === repo.defaultBranch ? issuesClosedBy(pull.body) : [];
  for (const number of closes) {
    const issue = repo.issues.get(number);
    if (!issue || issue.state !== 'open') continue;
    Object.assign(issue, { state: 'closed', stateReason: 'completed', closedAt: at, updatedAt: at });
    emitted.push({ event: 'issues.closed', input: { repo: fullName, number, sender: by } });
  }
  // Only a branch of the repository itself: GitHub never deletes a fork's branch.
  if (repo.deleteBranchOnMerge && !pull.headRepo) {
    if (branches.deleteBranch) branches.deleteBranch(fullName, pull.head);
    else repo.branches?.delete(pull.head);
  }
  return emitted;
}
