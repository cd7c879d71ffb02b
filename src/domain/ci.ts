/** Where one CI check of a commit stands; `neutral` and `skipped` conclusions count as success. */
export type CheckState = 'pending' | 'success' | 'failure';

/** One check of a commit, from a check run or a commit status, as shown in the status comment. */
export interface CheckInfo {
  name: string;
  state: CheckState;
  /** Where a person reads it: the check run's or the status's page. */
  url?: string;
  source: 'check-run' | 'status';
  /** The check run's id (for its output). */
  checkRunId?: number;
  /** GitHub Actions only: the workflow run, whose failed jobs `/agent retry-ci` re-runs, and the job, whose log is read. */
  runId?: number;
  jobId?: number;
}

/** What the checks of the head commit say: still running, none at all, all green, or which failed. */
export type CiVerdict = { kind: 'pending' } | { kind: 'none' } | { kind: 'green' } | { kind: 'red'; failed: CheckInfo[] };

// Every conclusion GitHub documents that is not a pass; `stale` is GitHub's own time-out of a check.
const FAILED = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'stale']);

/** A check run's status and conclusion as a state. */
export function checkRunState(status: string, conclusion: string | null | undefined): CheckState {
  if (status !== 'completed') return 'pending';
  return FAILED.has(conclusion ?? '') ? 'failure' : 'success';
}

/** A commit status's state (`error`, `failure`, `pending`, `success`) as a state. */
export function commitStatusState(state: string): CheckState {
  if (state === 'success') return 'success';
  return state === 'pending' ? 'pending' : 'failure';
}

/** The workflow run and job of a GitHub Actions check run, from its details URL (`.../actions/runs/{run}/job/{job}`). */
export function actionsIds(detailsUrl: string | null | undefined): { runId: number; jobId: number } | undefined {
  const m = /\/actions\/runs\/(\d+)\/job\/(\d+)/.exec(detailsUrl ?? '');
  return m ? { runId: Number(m[1]), jobId: Number(m[2]) } : undefined;
}

/**
 * The verdict over the checks that count (`ignore` names none of them). No checks at all is `none` once
 * `graceOver` (CI may not have registered its first check yet), `pending` before.
 */
export function ciVerdict(checks: CheckInfo[], ignore: readonly string[], graceOver: boolean): CiVerdict {
  const counted = checks.filter((c) => !ignore.includes(c.name));
  if (!counted.length) return graceOver ? { kind: 'none' } : { kind: 'pending' };
  if (counted.some((c) => c.state === 'pending')) return { kind: 'pending' };
  const failed = counted.filter((c) => c.state === 'failure');
  return failed.length ? { kind: 'red', failed } : { kind: 'green' };
}

const MARK: Record<CheckState, string> = { pending: '⏳', success: '✅', failure: '❌' };

/** The checks as status-comment lines: mark, linked name, state. */
export function checkLines(checks: CheckInfo[], ignore: readonly string[] = []): string[] {
  return checks.map((c) => `- ${MARK[c.state]} ${c.url ? `[${c.name}](${c.url})` : c.name}: ${c.state}${ignore.includes(c.name) ? ' (ignored)' : ''}`);
}

/** The last `lines` lines of a log, at most `chars` characters: the end of a log says why it failed. */
export function logTail(log: string, lines = 60, chars = 4000): string {
  const tail = log.replace(/\r\n/g, '\n').trimEnd().split('\n').slice(-lines).join('\n');
  return tail.length > chars ? tail.slice(-chars) : tail;
}
