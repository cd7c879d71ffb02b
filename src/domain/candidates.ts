/**
 * Candidate patches: after the plan is approved, several agent runs implement it side by side, each on
 * its own branch and worktree, and their tests (and CI, where the repo waits for CI) choose between them.
 * Pure: the workflow runs them.
 */
import type { CheckInfo, CiVerdict } from './ci';

/** How the winner is chosen among the candidates whose tests passed. */
export const CANDIDATE_RULES = ['smallest-diff', 'first-passing'] as const;
export type CandidateRule = (typeof CANDIDATE_RULES)[number];

/** The most candidates an issue may run (each is a whole implement-and-test loop). */
export const MAX_CANDIDATES = 5;

/** What one candidate came to, as the status comment shows it. */
export interface CandidateOutcome {
  /** 1, 2, ... */
  index: number;
  agent?: string;
  state: 'running' | 'passed' | 'failed' | 'cancelled';
  /** Lines added plus lines removed against where the candidate started. */
  linesChanged?: number;
  sha?: string;
  filesChanged?: string[];
  costUsd: number;
  durationMs: number;
  /** Why it ended as it did (the tests' exit, the budget, a cancellation). */
  why?: string;
  /** The order in which the candidates finished (1 first). */
  finished?: number;
  /** Where the repo waits for CI: what the checks of its head said. */
  ci?: CandidateCi;
}

/** What a candidate's CI came to: green, no checks at all after the grace, not done in time (all pass), or red. */
export type CandidateCi = 'green' | 'none' | 'timed-out' | 'red';

/** What a candidate whose tests passed does after its checks: pass (saying how), a CI-fix round, or fail. */
export type CandidateCiStep = { passed: true; ci: Exclude<CandidateCi, 'red'>; why: string } | { fix: CheckInfo[] } | { passed: false; ci: 'red'; why: string };

/**
 * The checks' verdict of a candidate's head (a `pending` one: `ci.timeoutMinutes` passed), as the issue's own
 * CI wait reads it: green, none and not done pass; red goes to a fix round while `fixesUsed < maxFixes`.
 */
export function candidateCiStep(verdict: CiVerdict, fixesUsed: number, maxFixes: number): CandidateCiStep {
  if (verdict.kind === 'green') return { passed: true, ci: 'green', why: 'tests and CI passed' };
  if (verdict.kind === 'none') return { passed: true, ci: 'none', why: 'tests passed, no CI checks reported' };
  if (verdict.kind === 'pending') return { passed: true, ci: 'timed-out', why: 'tests passed, CI not done in time' };
  if (fixesUsed < maxFixes) return { fix: verdict.failed };
  const names = verdict.failed.map((c) => c.name).join(', ');
  return { passed: false, ci: 'red', why: `CI red: ${names}${fixesUsed ? ` after ${fixesUsed} fix attempt${fixesUsed > 1 ? 's' : ''}` : ''}` };
}

/** What a passed candidate passed: its tests, and its CI where it waited for it. */
function passedWhat(c: CandidateOutcome): string {
  switch (c.ci) {
    case 'green':
      return 'tests and CI passed';
    case 'none':
      return 'tests passed (no CI checks)';
    case 'timed-out':
      return 'tests passed (CI not done in time)';
    default:
      return 'tests passed';
  }
}

/** The candidates and the winner, with why it won (or why none did). */
export interface CandidatesReport {
  list: CandidateOutcome[];
  winner?: number;
  why: string;
  /** The winner's commit is on the issue's branch and the candidates' branches are gone. */
  promoted?: boolean;
}

/**
 * The agent of each candidate: `requested` (from `/agent run --candidates N`) or `candidates`, else one per
 * entry of `agents`; with both, the agents take turns. Fewer than two means no candidates (the usual single round).
 */
export function candidateAgents<A extends string>(config: { candidates?: number; agents?: readonly A[]; agent?: A }, requested?: number): (A | undefined)[] {
  const count = Math.min(MAX_CANDIDATES, requested ?? config.candidates ?? config.agents?.length ?? 1);
  if (count < 2) return [];
  const agents = config.agents?.length ? config.agents : [config.agent];
  return Array.from({ length: count }, (_, i) => agents[i % agents.length]);
}

/** The arguments of `/agent run`: `--candidates N` (2..MAX_CANDIDATES); undefined when absent or out of range. */
export function parseRunArgs(args: string): { candidates?: number } {
  const m = /(?:^|\s)--candidates[=\s]+(\d+)(?:\s|$)/.exec(args ?? '');
  const n = m ? Number(m[1]) : undefined;
  return n !== undefined && n >= 1 && n <= MAX_CANDIDATES ? { candidates: n } : {};
}

/**
 * The winner under `rule`: `first-passing`, the first to pass; `smallest-diff`, the passing one that changed
 * the fewest lines (a tie goes to the one that finished first). Passing is the tests', and the CI's where the
 * candidate waited for it (see `candidateCiStep`). Undefined when none passed.
 */
export function pickWinner(list: readonly CandidateOutcome[], rule: CandidateRule): { winner?: number; why: string } {
  const passed = list.filter((c) => c.state === 'passed').sort((a, b) => (a.finished ?? Infinity) - (b.finished ?? Infinity));
  if (!passed.length) return { why: `no candidate passed its tests (${list.map((c) => `candidate ${c.index}: ${c.why ?? c.state}`).join('; ')})` };
  if (rule === 'first-passing') return { winner: passed[0].index, why: `${passedWhat(passed[0])} first` };
  const best = [...passed].sort((a, b) => (a.linesChanged ?? Infinity) - (b.linesChanged ?? Infinity))[0];
  const others = passed.filter((c) => c !== best).map((c) => `${c.linesChanged ?? '?'}`);
  const failed = list.length - passed.length;
  const vs = others.length ? ` vs ${others.join(', ')}` : '';
  const alone = !others.length && failed ? `, the only one whose tests${best.ci === 'green' ? ' and CI' : ''} passed` : '';
  return { winner: best.index, why: `${passedWhat(best)}, smallest diff (${best.linesChanged ?? '?'} lines${vs})${alone}` };
}

/** The status comment's lines: one per candidate (agent, state, diff, cost), then the winner and why. */
export function candidateLines(report: CandidatesReport): string[] {
  const MARK = { running: '⏳', passed: '✅', failed: '❌', cancelled: '⏹️' } as const;
  const lines = report.list.map((c) => {
    const parts = [c.agent ?? 'agent', c.state === 'passed' ? passedWhat(c) : c.state];
    if (c.linesChanged !== undefined) parts.push(`${c.linesChanged} lines`);
    parts.push(`$${c.costUsd.toFixed(2)}`);
    return `- ${MARK[c.state]} candidate ${c.index}: ${parts.join(', ')}${c.why && c.state !== 'passed' ? ` (${c.why})` : ''}`;
  });
  const verdict = report.winner !== undefined ? `winner: candidate ${report.winner} — ${report.why}` : report.why;
  return ['**Candidates:**', ...lines, verdict ? `**${verdict}**` : ''].filter(Boolean);
}
