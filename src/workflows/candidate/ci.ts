import { sleep } from '@temporalio/workflow';
import type { CheckInfo, CiVerdict } from '../../domain/ci';
import { ciVerdict } from '../../domain/ci';
import { NO_CHECKS_GRACE_MS, POLL_MS } from '../issue/checks';
import type { Candidate } from './round';

const MINUTE = 60_000;
/** The first look again at a candidate's checks: CI often registers its checks within seconds of a push. */
const FIRST_LOOK_MS = 30_000;

/**
 * Waits for the checks of the candidate's pushed head on its own branch (the repo's CI runs on pushes to
 * branches). A child gets no webhooks: it reads them with the read activity on a durable timer,
 * 30 s at first, doubling up to the poll interval, until the verdict is not pending or
 * `ci.timeoutMinutes` passed (then the verdict is still `pending`). No checks at all after the grace: `none`.
 */
export async function waitForCandidateChecks(c: Candidate): Promise<CiVerdict> {
  const ci = c.input.config.ci!; // called only with a `ci` config that waits
  const sha = c.sha ?? '';
  const started = Date.now();
  let wait = FIRST_LOOK_MS;
  for (;;) {
    const items = await readChecks(c, sha);
    const elapsed = Date.now() - started;
    const verdict = ciVerdict(items, ci.ignore, elapsed >= NO_CHECKS_GRACE_MS);
    const left = ci.timeoutMinutes * MINUTE - elapsed;
    if (verdict.kind !== 'pending' || left <= 0) return verdict;
    await sleep(Math.min(wait, left), { summary: say(c, `wait for the checks of ${sha.slice(0, 7)}`) });
    wait = Math.min(wait * 2, POLL_MS);
  }
}

/** Why the failed checks failed (a few at most: their logs go into the CI-fix round's prompt, as the do). */
export async function checkFailures(c: Candidate, failed: CheckInfo[]): Promise<string> {
  const { owner, repo } = c.ref;
  const reports = await Promise.all(
    failed.slice(0, 3).map((check) => c.acts.getCheckFailure.executeWithOptions({ summary: say(c, `read why ${check.name} failed`) }, [{ ref: { owner, repo }, check }])),
  );
  return reports.join('\n\n');
}

function readChecks(c: Candidate, sha: string): Promise<CheckInfo[]> {
  const { owner, repo } = c.ref;
  return c.acts.getChecks.executeWithOptions({ summary: say(c, `read the checks of ${sha.slice(0, 7)}`) }, [{ ref: { owner, repo }, sha }]);
}

const say = (c: Candidate, what: string) => `#${c.ref.issueNumber} candidate ${c.input.index}: ${what}`;
