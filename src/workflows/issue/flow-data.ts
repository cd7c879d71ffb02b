import type { AgentPlan, IssueSnapshot } from '../../activities/types';
import type { IssueRef } from '../../domain/ids';
import type { ParsedTask } from '../../domain/issue-parser';
import type { ConversationEntry } from '../../domain/prompt';
import type { RepoConfig } from '../../domain/repo-config';
import type { IssueState } from '../../domain/states';
import type { IssueStatus } from '../../domain/status';
import type { Phase } from './phases';

/** Everything the workflow knows, as plain data: carried whole through continue-as-new. */
export interface FlowData {
  phase: Phase;
  status: IssueStatus;
  seen: string[];
  config: RepoConfig;
  /** `authorTrusted` is absent in runs carried over from before it was kept: read as false. */
  issue: Pick<IssueSnapshot, 'title' | 'body' | 'labels' | 'author'> & { authorTrusted?: boolean };
  task?: ParsedTask;
  plan?: AgentPlan;
  conversation: ConversationEntry[];
  /** Signals that a wait has not consumed yet. */
  pending: { feedback: number; reviews: number; edited: boolean; resume: boolean; approvedBy?: string; prClosed?: { merged: boolean }; checks?: boolean; retryCi?: boolean; update?: boolean; handOverBy?: string };
  counters: { questions: number; plans: number; implements: number; tests: number; escalations: number; fixAttempts: number };
  testFailure?: string;
  /** The PR's CI (with a `ci` config): the head pushed last, whose checks alone count; fix rounds; what failed; runs re-run. */
  ci?: { head?: string; fixAttempts: number; failure?: string; rerun: number[] };
  /** The base merged into the branch with conflicts: the next round resolves them and commits the merge. */
  conflict?: { baseBranch: string; baseSha: string; files: string[] };
  /** The costliest and the longest agent run so far (the budget's guess at the next run); absent before budgets. */
  largestRun?: { costUsd: number; durationMs: number };
  lastTests?: { passed: boolean; durationMs: number };
  filesChanged: string[];
  /** What the issue last showed: the label's state and the search attribute's state. */
  shown: { label?: IssueState; attribute?: IssueState };
  workspaceUsed: boolean;
  /** Whether the worktree is known to exist now; false after long waits, so it is prepared again. */
  workspaceReady: boolean;
  /** The worker that holds the worktree (its id; see domain/host-queues); absent before the first prepare and after a lost host. */
  host?: string;
  /**
   * The agent session of the last implement-mode run, in the worktree on `host`: the next round continues it while
   * that worktree stands. `seen`: how many conversation entries it was told; absent when the task or plan changed
   * since, so the next round sends the whole prompt. `costUsd`: the session's cost as its CLI reported it (Claude
   * Code's counts the earlier runs of a continued session). Absent in runs from before sessions were kept.
   */
  agentSession?: { agent: string; id: string; host?: string; seen?: number; costUsd?: number };
  /** Hosts lost mid-step in a row (workspace.ts). */
  hostLosses?: number;
  cancelledBy?: string;
  /**
   * Someone without write access changed the issue's title or body after intake: the next plan waits
   * for a person's approval, and no implementation runs before it. Cleared by that approval.
   */
  untrustedEdit?: { by: string; at: string };
  /** The issue was closed as completed: with a merged PR, the merge's doing (GitHub closes what it fixes). */
  issueClosed?: { stateReason: 'completed'; by: string };
}


/** `T` with every property and array read-only, all the way down: what FlowState hands out to read. */
export type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A plain copy of a read-only part of the state, for the domain's functions that take the plain types. */
export function copyOf<T>(value: DeepReadonly<T>): T {
  return value === undefined ? (value as T) : (JSON.parse(JSON.stringify(value)) as T);
}

/** The state of a new issue, before anything happened. */
export function newFlowData(ref: IssueRef, workflowId: string, config: RepoConfig, firstDelivery: string): FlowData {
  const now = new Date().toISOString();
  return {
    phase: 'intake',
    status: {
      workflowId,
      repo: `${ref.owner}/${ref.repo}`,
      issueNumber: ref.issueNumber,
      state: 'queued',
      steps: [{ step: 'queued', state: 'running', startedAt: now }],
      attempts: {},
      costUsd: 0,
      startedAt: now,
      updatedAt: now,
    },
    seen: [firstDelivery],
    config,
    issue: { title: '', body: '', labels: [], author: '' },
    conversation: [],
    pending: { feedback: 0, reviews: 0, edited: false, resume: false },
    counters: { questions: 0, plans: 0, implements: 0, tests: 0, escalations: 0, fixAttempts: 0 },
    filesChanged: [],
    shown: {},
    workspaceUsed: false,
    workspaceReady: false,
  };
}
