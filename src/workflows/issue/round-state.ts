import type { AgentPlan } from '../../activities/types';
import type { CandidateOutcome, CandidatesReport } from '../../domain/candidates';
import type { ParsedTask } from '../../domain/issue-parser';
import type { HeartbeatSession } from '../../domain/agent-session';
import type { DeepReadonly, FlowData } from './flow-data';
import { StoryStatus } from './story-status';

type Round = 'questions' | 'plans' | 'implements' | 'tests';
type CiRun = NonNullable<FlowData['ci']>;

/**
 * The work of the story: the task and plan, the rounds and their counts, commits, tests, CI, conflicts,
 * and the worktree with the worker ("host") that holds it (one round, one host: see workspace.ts).
 */
export class RoundState extends StoryStatus {
  recordIssue(issue: FlowData['issue']): void {
    this.d.issue = issue;
  }

  recordTask(task: ParsedTask): void {
    this.d.task = task;
  }

  recordPlan(plan: AgentPlan): void {
    this.d.plan = plan;
    this.sessionNeedsWholeTask();
  }

  /** A person approved the plan asked for `edit`: that untrusted edit is looked at (one that came meanwhile is not). */
  editApproved(edit: DeepReadonly<FlowData['untrustedEdit']>): void {
    if (this.d.untrustedEdit === edit) this.d.untrustedEdit = undefined;
  }

  /** Counts a question, plan, implementation or test round; returns its number. */
  countRound(round: Round): number {
    return ++this.d.counters[round];
  }

  /** Counts a fix attempt after failed tests; returns its number. */
  countFixAttempt(): number {
    return ++this.d.counters.fixAttempts;
  }

  /** A test run's result: a pass forgets the last failure and the fix attempts; a failure keeps its output's tail. */
  recordTests(result: { passed: boolean; durationMs: number; outputTail: string }): void {
    this.d.lastTests = { passed: result.passed, durationMs: result.durationMs };
    if (result.passed) {
      this.d.testFailure = undefined;
      this.d.counters.fixAttempts = 0;
    } else this.d.testFailure = result.outputTail.slice(-4000);
  }

  /** A commit's files join the round's; with CI waited for, its sha is the head whose checks count. */
  recordCommit(commit: { filesChanged: string[]; sha: string }): void {
    this.d.filesChanged = [...new Set([...this.d.filesChanged, ...commit.filesChanged])].sort();
    if (this.d.config.ci?.wait) (this.d.ci ??= { fixAttempts: 0, rerun: [] }).head = commit.sha;
  }

  /** The candidate patches: shown while they run, then with the winner and why. */
  recordCandidates(report: CandidatesReport): void {
    this.d.status.candidates = report;
  }

  /** A candidate ended: its outcome shows, in the order they ended, and its runs join the issue's spend. */
  candidateEnded(index: number, outcome: Pick<CandidateOutcome, 'state' | 'why' | 'linesChanged' | 'sha' | 'filesChanged' | 'ci'>, runs: readonly { agent: string; costUsd?: number; durationMs: number }[]): void {
    const list = this.d.status.candidates?.list ?? [];
    const c = list.find((x) => x.index === index);
    if (!c) return;
    Object.assign(c, outcome, { finished: list.filter((x) => x.finished !== undefined).length + 1 });
    for (const run of runs) {
      this.addRun(run);
      c.costUsd = Math.round((c.costUsd + (run.costUsd ?? 0)) * 10_000) / 10_000;
      c.durationMs += run.durationMs;
    }
  }

  /** Every candidate ended: the winner (none when none passed) and why. */
  candidatesDecided(winner: number | undefined, why: string): void {
    const report = this.d.status.candidates;
    if (!report) return;
    report.why = why;
    if (winner !== undefined) report.winner = winner;
  }

  /** The winner's commit is on the issue's branch, the candidates' branches are gone: later rounds work there. */
  candidatesPromoted(): void {
    if (this.d.status.candidates) this.d.status.candidates.promoted = true;
    this.d.workspaceReady = false;
  }

  /** The base merged into the branch with conflicts: the next round resolves them. */
  recordConflict(conflict: NonNullable<FlowData['conflict']>): void {
    this.d.conflict = conflict;
  }

  /** The merge of the base is committed, or was lost with its worktree. */
  clearConflict(): void {
    this.d.conflict = undefined;
  }

  /** The worktree exists on `host` (absent from workers before hosts); a session of another host's, or of the worktree before a rebuild, is over. */
  workspacePrepared(host: string | undefined, rebuilt?: boolean): void {
    if (rebuilt === true || host !== this.d.agentSession?.host) this.d.agentSession = undefined;
    this.d.host = host;
    this.d.workspaceUsed = true;
    this.d.workspaceReady = true;
  }

  /** The worktree may be gone after a wait (a restart, a clean-up): the next step prepares it again, on the same host. */
  worktreeMayBeGone(): void {
    this.d.workspaceReady = false;
  }

  /** A phase ended without losing its host: the count of losses starts again. */
  roundHeld(): void {
    this.d.hostLosses = undefined;
  }

  /** A host lost mid-step; returns the losses in a row. */
  countHostLoss(): number {
    this.d.hostLosses = (this.d.hostLosses ?? 0) + 1;
    return this.d.hostLosses;
  }

  /**
   * The round's host is gone: the next prepare picks another and rebuilds the worktree. Its agent session is over,
   * unless `interrupted` (the lost run's, from its last heartbeat): that one is kept for the lost host alone, so it is
   * continued (with the whole prompt) only if that worker comes back with its worktree standing (workspacePrepared).
   */
  hostLost(interrupted?: HeartbeatSession): void {
    const host = this.d.host;
    this.d.host = undefined;
    this.d.workspaceReady = false;
    this.d.agentSession = interrupted && host ? { agent: interrupted.agent, id: interrupted.id, host, ...(interrupted.costUsd === undefined ? {} : { costUsd: interrupted.costUsd }) } : undefined;
  }

  /**
   * An implement-mode run ended: its session (when its CLI named one) is the one the next round continues, on
   * this host's worktree; `seen` conversation entries went into its prompt. A run without one leaves none.
   */
  keepSession(run: { agent: string; sessionId?: string; sessionCostUsd?: number }, seen: number): void {
    const cost = run.sessionCostUsd === undefined ? {} : { costUsd: run.sessionCostUsd };
    this.d.agentSession = run.sessionId ? { agent: run.agent, id: run.sessionId, host: this.d.host, seen, ...cost } : undefined;
  }

  /** The session the next implement-mode run may continue: the last one's, while its worktree stands on this host. */
  resumableSession(): DeepReadonly<FlowData['agentSession']> {
    const session = this.d.agentSession;
    return session && this.d.workspaceReady && session.host === this.d.host ? session : undefined;
  }

  /** The task or the plan changed: a continued session is sent the whole prompt again. */
  sessionNeedsWholeTask(): void {
    if (this.d.agentSession) this.d.agentSession.seen = undefined;
  }

  /** `/agent retry` after an escalation: the error is past, the fix attempts start again, the worktree is looked at again. */
  escalationResolved(): void {
    this.d.status.lastError = undefined;
    this.d.counters.fixAttempts = 0;
    this.d.workspaceReady = false;
  }

  /** The PR's CI run, begun if there is none yet. */
  ciRun(): DeepReadonly<CiRun> {
    return (this.d.ci ??= { fixAttempts: 0, rerun: [] });
  }

  /** CI is green: its fix rounds, failure and re-runs are over. */
  ciGreen(): void {
    Object.assign(this.ciRun(), { fixAttempts: 0, failure: undefined, rerun: [] });
  }

  /** CI is red: a fix round with what failed; returns the fix round's number. */
  ciFailed(failure: string): number {
    const run = this.d.ci ??= { fixAttempts: 0, rerun: [] };
    run.fixAttempts++;
    run.failure = failure;
    run.rerun = [];
    return run.fixAttempts;
  }

  /** The check runs re-run at `/agent retry-ci`, pending until GitHub queues them again. */
  ciRerun(checkRunIds: number[]): void {
    (this.d.ci ??= { fixAttempts: 0, rerun: [] }).rerun = checkRunIds;
  }
}
