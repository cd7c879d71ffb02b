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

  addCost(costUsd: number | undefined, agent: string | undefined): void {
    this.d.status.costUsd = Math.round((this.d.status.costUsd + (costUsd ?? 0)) * 10_000) / 10_000;
    if (agent) this.d.status.agent = agent;
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
