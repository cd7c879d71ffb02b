import { FAILURE_TYPES } from '../../domain/failure-types';
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { ciVerdict, type CheckInfo, type CiVerdict } from '../../domain/ci';
import { announceCompleted } from './complete';
import type { Flow } from './flow';
import type { DeepReadonly, FlowData } from './flow-data';
import type { Next } from './phases';
import { publish, summary } from './publish';

const MINUTE = 60_000;
/** How often the checks are read again when no webhook woke the wait: a lost webhook costs at most this. */
export const POLL_MS = 3 * MINUTE;
/**
 * A head without a single check after this long belongs to a repository without CI (or with none for this
 * branch): the round completes rather than wait `ci.timeoutMinutes` for checks that never come.
 */
export const NO_CHECKS_GRACE_MS = 5 * MINUTE;
/** Error type of a CI that stays red after `ci.maxFixAttempts` rounds; the escalation names the check. */
export const CHECKS_FAILED = FAILURE_TYPES.checksFailed;

type CiRun = DeepReadonly<NonNullable<FlowData['ci']>>;

/**
 * Waits for the checks of the head issueflow pushed (webhooks wake it, a timer reads them again). Green,
 * none at all, or not done within `ci.timeoutMinutes` (with a warning): completed. Red: a fix round with what
 * failed, up to `ci.maxFixAttempts`, then an escalation naming the check.
 */
export async function checks(flow: Flow): Promise<Next<'checks'>> {
  const { state } = flow;
  const { data } = state;
  const ci = data.config.ci!; // the phase is entered only with a `ci` config
  const run = state.ciRun();
  const p = data.pending;
  const started = Date.now();
  let verdict: CiVerdict;
  for (;;) {
    if (p.retryCi) await rerunFailed(flow);
    state.takeChecksChanged();
    const items = markRerun(await readChecks(flow, run.head ?? ''), run);
    const elapsed = Date.now() - started;
    verdict = ciVerdict(items, ci.ignore, elapsed >= NO_CHECKS_GRACE_MS);
    await show(flow, run.head ?? '', items);
    const left = ci.timeoutMinutes * MINUTE - elapsed;
    if (verdict.kind !== 'pending' || left <= 0) break;
    const woke = () => p.checks === true || p.retryCi === true || p.prClosed !== undefined || p.reviews > 0;
    await condition(woke, Math.min(POLL_MS, left), { summary: summary(flow, `wait for the checks of ${(run.head ?? '').slice(0, 7)}`) });
    if (p.prClosed) return { end: p.prClosed.merged ? 'merged' : 'closed' };
    // A review meanwhile: its round pushes a new head, whose checks are the ones that count.
    if (state.takeReviews()) {
      state.worktreeMayBeGone();
      return 'implement';
    }
  }
  const n = data.status.checks?.items.length ?? 0;
  switch (verdict.kind) {
    case 'green':
      state.ciGreen();
      return announceCompleted(flow, `CI green (${n} checks)`, `green (${n} checks)`);
    case 'none':
      return announceCompleted(flow, 'no CI checks reported', `no checks reported within ${NO_CHECKS_GRACE_MS / MINUTE} min; completed without them`);
    case 'pending':
      return announceCompleted(flow, `CI not done after ${ci.timeoutMinutes} min`, `⚠️ the checks did not finish within ${ci.timeoutMinutes} min; completed without them`);
    case 'red':
      return fixOrEscalate(flow, run, verdict.failed);
  }
}

function readChecks(flow: Flow, sha: string): Promise<CheckInfo[]> {
  const { owner, repo } = flow.state.ref;
  return flow.acts.getChecks.executeWithOptions({ summary: summary(flow, `read the checks of ${sha.slice(0, 7)}`) }, [{ ref: { owner, repo }, sha }]);
}

/** Check runs re-run at `/agent retry-ci` can still read as failed until GitHub queues them again: pending. */
function markRerun(items: CheckInfo[], run: CiRun): CheckInfo[] {
  return items.map((c) => (c.state === 'failure' && c.checkRunId !== undefined && run.rerun.includes(c.checkRunId) ? { ...c, state: 'pending' } : c));
}

/** Updates the status comment only when the checks shown changed: each edit is a GitHub write and a history event. */
async function show(flow: Flow, sha: string, items: CheckInfo[]): Promise<void> {
  const { data } = flow.state;
  const next = { sha, items, ignored: [...(data.config.ci?.ignore ?? [])] };
  if (JSON.stringify(next) === JSON.stringify(data.status.checks)) return;
  flow.state.showChecks(next);
  await publish(flow);
}

/** Sends the agent back with what failed, or escalates once `ci.maxFixAttempts` rounds are spent. */
async function fixOrEscalate(flow: Flow, run: CiRun, failed: CheckInfo[]): Promise<'implement'> {
  const { state } = flow;
  const max = state.data.config.ci!.maxFixAttempts;
  const names = failed.map((c) => `\`${c.name}\``).join(', ');
  if (run.fixAttempts >= max) {
    const links = failed.map((c) => `- \`${c.name}\`${c.url ? `: ${c.url}` : ''}`).join('\n');
    throw ApplicationFailure.nonRetryable(`CI check ${names} still fails after ${max} fix attempts:\n${links}\n\`/agent retry-ci\` re-runs the failed jobs.`, CHECKS_FAILED);
  }
  const { owner, repo } = state.ref;
  // A few checks at most: their logs go into the prompt, which must stay readable.
  const reports = await Promise.all(
    failed.slice(0, 3).map((check) => flow.acts.getCheckFailure.executeWithOptions({ summary: summary(flow, `read why ${check.name} failed`) }, [{ ref: { owner, repo }, check }])),
  );
  const attempt = state.ciFailed(reports.join('\n\n'));
  state.note(`${names} failed, fix attempt ${attempt} of ${max}`);
  state.worktreeMayBeGone();
  return 'implement';
}

/** `/agent retry-ci`: re-runs the failed GitHub Actions jobs of the head; other checks cannot be re-run from here. */
async function rerunFailed(flow: Flow): Promise<void> {
  const { state } = flow;
  const { data, ref } = state;
  state.takeRetryCi();
  const failed = (data.status.checks?.items ?? []).filter((c) => c.state === 'failure' && c.runId !== undefined);
  const runIds = [...new Set(failed.map((c) => c.runId!))];
  await Promise.all(
    runIds.map((runId) =>
      flow.acts.rerunFailedJobs.executeWithOptions({ summary: summary(flow, `re-run the failed jobs of run ${runId}`) }, [{ ref: { owner: ref.owner, repo: ref.repo }, runId }]),
    ),
  );
  state.ciRerun(failed.map((c) => c.checkRunId!).filter((id) => id !== undefined));
}
