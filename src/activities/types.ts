/**
 * The activity contract: what the workflow may ask of the outside world. Workflows see this file
 * only through `import type`; src/activities implements it with Octokit, execa, git and pg.
 */
import type { CheckInfo } from '../domain/ci';
import type { IssueRef, RepoRef, WorkspaceRef } from '../domain/ids';
import type { RepoConfig } from '../domain/repo-config';
import type { IssueState } from '../domain/states';

/** The failure types, from the domain's one list (workflows see this file only as types). */
export { FAILURE_TYPES } from '../domain/failure-types';

export interface IssueSnapshot {
  title: string;
  body: string;
  labels: string[];
  author: string;
  /** The author has write access (owner, member, collaborator), from GitHub's `author_association`. */
  authorTrusted: boolean;
  state: 'open' | 'closed';
  htmlUrl: string;
}

/** A pull request as the workflow needs it: which one, and whether it is still open, merged or closed. */
export interface PullRequestSnapshot {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  /**
   * GitHub's `mergeable_state` (`pulls.get` only): `dirty` conflicts with the base, `behind` lacks its
   * newest commits; `unknown` while GitHub still computes it (it does so lazily, after a read).
   */
  mergeableState?: string;
}

export interface RepoConfigResult {
  config: RepoConfig;
  /** One line per invalid key; the defaults are used for the whole file when any is invalid. */
  problems: string[];
  /** Whether `.github/issueflow.yml` exists at all. */
  found: boolean;
}

export interface GithubReadActivities {
  getIssue(ref: IssueRef): Promise<IssueSnapshot>;
  getRepoConfig(ref: RepoRef): Promise<RepoConfigResult>;
  /** The given paths that do not exist on the default branch. */
  findMissingFiles(ref: RepoRef, paths: string[]): Promise<string[]>;
  /** One pull request, as it is now (its webhook may be late or lost). */
  getPullRequest(input: { ref: RepoRef; number: number }): Promise<PullRequestSnapshot>;
  /** The newest pull request from `branch` of the repository itself (forks excluded), in any state; null when none. */
  findPullRequest(input: { ref: RepoRef; branch: string }): Promise<PullRequestSnapshot | null>;
  /** The latest check run of each name and the commit statuses of one commit (the PR's head). */
  getChecks(input: { ref: RepoRef; sha: string }): Promise<CheckInfo[]>;
  /** What a failed check says: its output and, for a GitHub Actions job, the tail of its log. */
  getCheckFailure(input: { ref: RepoRef; check: CheckInfo }): Promise<string>;
}

/** Writes run on the rate-limited GitHub write task queue. Each is idempotent. */
export interface GithubWriteActivities {
  /** Leaves exactly one `agent:*` label, the one of `state`; creates missing labels. */
  setStateLabel(input: { ref: IssueRef; state: IssueState }): Promise<void>;
  /**
   * Creates or edits the comment marked `<!-- issueflow:{workflowId}:{key} -->` that issueflow's own
   * GitHub user wrote; a marker in anybody else's comment is ignored. The status comment uses key
   * `status` and is edited in place; other keys name one comment each (`question-1`, ...).
   */
  upsertComment(input: { ref: IssueRef; workflowId: string; key: string; body: string }): Promise<{ commentId: number; url: string }>;
  /**
   * One step of the status in one activity: the state label (when `state` is given) and then each comment, as
   * `setStateLabel` and `upsertComment` do, reading the issue's comments once. Returns each comment by key.
   */
  publishStatus(input: { ref: IssueRef; workflowId: string; state?: IssueState; comments: Array<{ key: string; body: string }> }): Promise<Record<string, { commentId: number; url: string }>>;
  /** Finds the open PR of `branch` or opens one. */
  ensurePullRequest(input: { ref: IssueRef; branch: string; title: string; body: string }): Promise<{ number: number; url: string; created: boolean }>;
  reactToComment(input: { ref: RepoRef; commentId: number; content: 'eyes' | '+1' | 'rocket' | 'confused' }): Promise<void>;
  /** Re-runs the failed jobs of a GitHub Actions workflow run (`/agent retry-ci`). */
  rerunFailedJobs(input: { ref: RepoRef; runId: number }): Promise<void>;
}

import type { AgentActivities } from './agent/types';
export type * from './agent/types';
export type { AgentPlan } from '../domain/plan';
export type { CheckInfo } from '../domain/ci';

export interface CommitResult {
  /** False when the worktree had no changes. */
  committed: boolean;
  sha: string;
  filesChanged: string[];
  pushed: boolean;
  /** Lines added plus removed from the input's `diffFrom` to the branch's head; absent without it. */
  linesChanged?: number;
}

/** A merge of the base branch into the issue's branch: nothing to do, merged and pushed, or conflicts left in the worktree. */
export type UpdateBranchResult =
  | { outcome: 'up-to-date' | 'merged'; baseBranch: string; baseSha: string; sha: string }
  | { outcome: 'conflicted'; baseBranch: string; baseSha: string; sha: string; files: string[] };

/** The second parent of a merge commit and the files whose conflict markers must be gone before it is made. */
export interface PendingMerge {
  parent: string;
  files: string[];
}

/** The repository's set-up and test commands, run in the issue's worktree within one time-out. */
export interface RunTestsInput {
  workflowId: string;
  ref: WorkspaceRef;
  branch: string;
  step: string;
  setupCommand?: string;
  testCommand: string;
  timeoutMinutes: number;
}

export interface TestRunResult {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputTail: string;
}

export interface WorkspaceActivities {
  /**
   * Mirror + worktree on `branch`, rebuilt from the pushed branch when missing (a new branch starts at the
   * pushed `startFrom` when there is one, else at the default branch). `host` is the id of the
   * worker that holds it now (see domain/host-queues): the round's other workspace steps go to its queues.
   * `rebuilt`: the worktree was made afresh (an agent session of the old one is not continued).
   */
  prepareWorkspace(input: { ref: WorkspaceRef; branch: string; startFrom?: string }): Promise<{ baseBranch: string; headSha: string; host?: string; rebuilt?: boolean }>;
  /**
   * With `merge`, the commit is a merge commit with `merge.parent` as its second parent. With `diffFrom`
   * (a commit), the result counts the lines changed from it to the branch's head (`linesChanged`).
   */
  commitAndPush(input: { ref: WorkspaceRef; branch: string; message: string; merge?: PendingMerge; diffFrom?: string }): Promise<CommitResult>;
  /** Merges the newest base branch into `branch` (in the mirror, never in the agent's `.git`). */
  updateBranch(input: { ref: IssueRef; branch: string }): Promise<UpdateBranchResult>;
  runTests(input: RunTestsInput): Promise<TestRunResult>;
  cleanupWorkspace(input: { ref: WorkspaceRef; branch: string }): Promise<void>;
  /**
   * The winning candidate's commit becomes the issue's branch (pushed with a lease on what the remote had);
   * the issue's worktree is rebuilt from it at the next prepare. Then every branch of `drop` is deleted
   * from the remote and the mirror. Idempotent: a branch already there, or already gone, is left so.
   */
  promoteCandidate(input: { ref: IssueRef; branch: string; sha: string; drop: string[] }): Promise<{ pushed: boolean; deleted: string[] }>;
  /** Deletes `branches` from the remote and the mirror, those it has (a cancelled story's candidates). */
  deleteBranches(input: { ref: IssueRef; branches: string[] }): Promise<{ deleted: string[] }>;
}

export interface NotifyActivities {
  /** A signed JSON POST to NOTIFY_URL on an end state; does nothing when it is not set. */
  notifyEndState(input: { workflowId: string; ref: IssueRef; state: IssueState; pullRequestUrl?: string; summary: string }): Promise<void>;
}

export type IssueflowActivities = GithubReadActivities & GithubWriteActivities & AgentActivities & WorkspaceActivities & NotifyActivities;
