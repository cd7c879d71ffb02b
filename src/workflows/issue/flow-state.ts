import type { AgentPlan, IssueSnapshot } from '../../activities/types';
import type { IssueRef } from '../../domain/ids';
import type { ParsedTask } from '../../domain/issue-parser';
import type { ConversationEntry } from '../../domain/prompt';
import type { RepoConfig } from '../../domain/repo-config';
import type { IssueState } from '../../domain/states';
import type { IssueStatus } from '../../domain/status';
import type { Phase } from './phases';

/** How many delivery ids are remembered; older redeliveries than this are long past GitHub's retries. */
const SEEN_LIMIT = 500;

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
  lastTests?: { passed: boolean; durationMs: number };
  filesChanged: string[];
  /** What the issue last showed: the label's state and the search attribute's state. */
  shown: { label?: IssueState; attribute?: IssueState };
  workspaceUsed: boolean;
  /** Whether the worktree is known to exist now; false after long waits, so it is prepared again. */
  workspaceReady: boolean;
  /** The worker that holds the worktree (its id; see domain/host-queues); absent before the first prepare and after a lost host. */
  host?: string;
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

/** The one place of mutable state; handlers and steps change it only through these methods. */
export class FlowState {
  cancelStory: () => void = () => undefined;
  /** Stops the running phase (for `/agent escalate`); undefined between phases. */
  stopPhase: (() => void) | undefined = undefined;

  constructor(
    readonly ref: IssueRef,
    readonly workflowId: string,
    public data: FlowData,
  ) {}

  get state(): IssueState {
    return this.data.status.state;
  }

  /** True the first time a delivery id is seen; a redelivered signal is ignored. */
  firstDelivery(deliveryId: string): boolean {
    if (this.data.seen.includes(deliveryId)) return false;
    this.data.seen.push(deliveryId);
    if (this.data.seen.length > SEEN_LIMIT) this.data.seen.splice(0, this.data.seen.length - SEEN_LIMIT);
    return true;
  }

  /** Moves to a state: closes the running step, opens the state's step. */
  enter(state: IssueState, note?: string): void {
    const now = new Date().toISOString();
    const s = this.data.status;
    const running = s.steps[s.steps.length - 1];
    if (running?.state === 'running') {
      running.state = state === 'escalated' || state === 'failed' ? 'failed' : 'done';
      running.endedAt = now;
    }
    s.steps.push({ step: state, state: 'running', startedAt: now, ...(note ? { note } : {}) });
    if (s.steps.length > 60) s.steps.splice(0, s.steps.length - 60);
    s.state = state;
    s.updatedAt = now;
    if (state !== 'awaiting-feedback' && state !== 'awaiting-approval' && state !== 'escalated') s.pendingQuestion = undefined;
  }

  /** Notes something on the running step (shown in the status comment). */
  note(note: string): void {
    const step = this.data.status.steps[this.data.status.steps.length - 1];
    if (step) step.note = note;
  }

  /** Marks the running step as ended, for end states. */
  closeStep(state: 'done' | 'failed' | 'skipped' = 'done'): void {
    const step = this.data.status.steps[this.data.status.steps.length - 1];
    if (step?.state === 'running') Object.assign(step, { state, endedAt: new Date().toISOString() });
  }

  attempt(key: string): number {
    const a = this.data.status.attempts;
    a[key] = (a[key] ?? 0) + 1;
    return a[key];
  }

  addCost(costUsd: number | undefined, agent: string | undefined): void {
    this.data.status.costUsd = Math.round((this.data.status.costUsd + (costUsd ?? 0)) * 10_000) / 10_000;
    if (agent) this.data.status.agent = agent;
  }

  answers(): string[] {
    return this.data.conversation.filter((e) => e.kind === 'answer').map((e) => e.body);
  }

  snapshot(): IssueStatus {
    return structuredCloneSafe(this.data.status);
  }
}

/** A JSON copy: queries must not hand out references to the live state. */
function structuredCloneSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
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
