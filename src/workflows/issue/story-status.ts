import type { Budget, Spend } from '../../domain/budget';
import type { IssueState } from '../../domain/states';
import type { IssueStatus } from '../../domain/status';
import type { FlowData } from './flow-data';

/** The story as the status comment tells it: states and their steps, attempts, cost, the PR, the last error. */
export class StoryStatus {
  constructor(protected readonly d: FlowData) {}

  /** The issue's state now. */
  get current(): IssueState {
    return this.d.status.state;
  }

  /** Moves to a state: closes the running step, opens the state's step. */
  enter(state: IssueState, note?: string): void {
    const now = new Date().toISOString();
    const s = this.d.status;
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

  /** Moves to a state that waits for people, with what they are asked (status comment, status query). */
  waitForPeople(state: 'awaiting-feedback' | 'awaiting-approval' | 'escalated', question: string, note?: string): void {
    this.enter(state, note);
    this.d.status.pendingQuestion = question;
  }

  /** Notes something on the running step (shown in the status comment). */
  note(note: string): void {
    const step = this.d.status.steps[this.d.status.steps.length - 1];
    if (step) step.note = note;
  }

  /** Marks the running step as ended, for end states. */
  closeStep(state: 'done' | 'failed' | 'skipped' = 'done'): void {
    const step = this.d.status.steps[this.d.status.steps.length - 1];
    if (step?.state === 'running') Object.assign(step, { state, endedAt: new Date().toISOString() });
  }

  /** Counts an attempt of a kind of step (agent run, test run); returns its number. */
  attempt(key: string): number {
    const a = this.d.status.attempts;
    a[key] = (a[key] ?? 0) + 1;
    return a[key];
  }

  /** An agent run ended: its cost and time join the issue's, and the largest run so far is kept (the budget's guess at the next). */
  addRun(run: { costUsd?: number; durationMs?: number; agent?: string }): void {
    const s = this.d.status;
    const cost = run.costUsd ?? 0;
    const ms = run.durationMs ?? 0;
    s.costUsd = Math.round((s.costUsd + cost) * 10_000) / 10_000;
    s.agentMs = (s.agentMs ?? 0) + ms;
    if (run.agent) s.agent = run.agent;
    const largest = (this.d.largestRun ??= { costUsd: 0, durationMs: 0 });
    largest.costUsd = Math.max(largest.costUsd, cost);
    largest.durationMs = Math.max(largest.durationMs, ms);
  }

  /** What the runs have used, for the budget's check. */
  spend(): Spend {
    const { status, largestRun } = this.d;
    return { usd: status.costUsd, agentMs: status.agentMs ?? 0, largestUsd: largestRun?.costUsd ?? 0, largestMs: largestRun?.durationMs ?? 0 };
  }

  /** The budget the issue starts with: the repo's, else the service's. */
  setBudget(budget: Budget | undefined): void {
    this.d.status.budget = budget && { ...budget };
  }

  /** `/agent budget`: the limits it names replace the issue's (the others stay). */
  raiseBudget(raised: Budget): void {
    this.d.status.budget = { ...this.d.status.budget, ...raised };
  }

  recordBranch(branch: string): void {
    this.d.status.branch = branch;
  }

  recordPullRequest(pr: NonNullable<IssueStatus['pullRequest']>): void {
    this.d.status.pullRequest = pr;
  }

  /** The last PR of an earlier story of the issue, shown in the status comment. */
  recordPreviousPullRequest(pr: NonNullable<IssueStatus['previousPullRequest']>): void {
    this.d.status.previousPullRequest = pr;
  }

  /** The checks shown in the status comment. */
  showChecks(checks: NonNullable<IssueStatus['checks']>): void {
    this.d.status.checks = checks;
  }

  /** A step failed for good: what failed, for the status; returns the escalation's number. */
  recordEscalation(error: NonNullable<IssueStatus['lastError']>): number {
    this.d.status.lastError = error;
    return ++this.d.counters.escalations;
  }

  /** A copy of the status: queries must not hand out references to the live state. */
  snapshot(): IssueStatus {
    return JSON.parse(JSON.stringify(this.d.status)) as IssueStatus;
  }
}
