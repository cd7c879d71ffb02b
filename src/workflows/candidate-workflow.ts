import { CancellationScope, isCancellation, log, sleep } from '@temporalio/workflow';
import { wouldCross } from '../domain/budget';
import { candidateCiStep, type CandidateCi } from '../domain/candidates';
import { FAILURE_TYPES } from '../domain/failure-types';
import { candidateBranch, type WorkspaceRef } from '../domain/ids';
import { createActivityProxies } from './issue/activities';
import { describeFailure } from './issue/describe-failure';
import { hostGone } from './issue/workspace';
import type { CandidateInput, CandidateResult, CandidateRun } from './candidate/messages';
import { checkFailures, waitForCandidateChecks } from './candidate/ci';
import { candidateRound, type Candidate } from './candidate/round';

export type { CandidateInput, CandidateResult } from './candidate/messages';

/** Hosts lost in a row before the candidate gives up (as the issue's own rounds do). */
const MAX_HOST_LOSSES = 3;
/** While agent runs are paused (POST /admin/pause) a candidate waits, as the issue's rounds do (issue/pause.ts). */
const PAUSE_FIRST_LOOK_MS = 15_000;
const PAUSE_LONGEST_WAIT_MS = 5 * 60_000;

/**
 * One candidate patch of an issue, a child of the issue's workflow: implement-and-test rounds (a failure
 * goes back to the agent up to `maxFixAttempts` times) on its own branch and worktree, within its share of
 * the budget. Where the repo waits for CI, passing tests then wait for the checks of its head; a red CI goes
 * back to the agent up to `ci.maxFixAttempts` times. It returns what it came to; the issue's workflow picks the winner and deletes the branches.
 * Cancelled (another won first), it stops its agent or tests, and its worktree goes either way.
 */
export async function candidateWorkflow(input: CandidateInput): Promise<CandidateResult> {
  const c: Candidate = {
    input,
    ref: { ...input.ref, candidate: input.index } satisfies WorkspaceRef,
    branch: candidateBranch(input.ref.issueNumber, input.index),
    acts: createActivityProxies(() => c.host),
    runs: [],
    filesChanged: [],
  };
  try {
    return await rounds(c);
  } finally {
    await CancellationScope.nonCancellable(() =>
      c.acts.cleanupWorkspace.executeWithOptions({ summary: `candidate ${input.index}: clean up` }, [{ ref: c.ref, branch: c.branch }]).catch((err) => {
        log.warn('a candidate could not clean up its worktree', { error: describeFailure(err).message });
      }),
    );
  }
}

async function rounds(c: Candidate): Promise<CandidateResult> {
  const { input } = c;
  const { maxFixAttempts, ci } = input.config;
  let losses = 0;
  let testFixes = 0;
  let ciFixes = 0;
  let pausedWait = PAUSE_FIRST_LOOK_MS;
  for (let round = 1; ; ) {
    if (wouldCross(input.budget, spend(c.runs, input))) return result(c, false, 'its share of the budget is spent');
    try {
      const tests = await candidateRound(c, round);
      losses = 0;
      if (tests.passed && !ci?.wait) return result(c, true, 'tests passed');
      if (tests.passed && ci) {
        const step = candidateCiStep(await waitForCandidateChecks(c), ciFixes, ci.maxFixAttempts);
        if ('passed' in step) return result(c, step.passed, step.why, step.ci);
        c.ciFailure = await checkFailures(c, step.fix);
        c.testFailure = undefined;
        ciFixes++;
        round++;
        continue;
      }
      if (testFixes >= maxFixAttempts) return result(c, false, `tests still fail after ${maxFixAttempts} fix attempts (${tests.timedOut ? 'timed out' : `exit code ${tests.exitCode}`})`);
      c.testFailure = tests.outputTail.slice(-4000);
      c.ciFailure = undefined;
      testFixes++;
      round++;
    } catch (err) {
      if (isCancellation(err)) throw err;
      if (describeFailure(err).type === FAILURE_TYPES.agentPaused) {
        await sleep(pausedWait, { summary: `candidate ${input.index}: agent runs are paused: wait, then ask again` });
        pausedWait = Math.min(pausedWait * 2, PAUSE_LONGEST_WAIT_MS);
        continue;
      }
      // A lost host: the round runs again on another, whose prepare rebuilds the worktree from the pushed branch.
      if (hostGone(err) && ++losses <= MAX_HOST_LOSSES) {
        c.host = undefined;
        c.prepared = false;
        continue;
      }
      return result(c, false, describeFailure(err).message.split('\n')[0]);
    }
  }
}

function spend(runs: CandidateRun[], input: CandidateInput) {
  const usd = runs.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const agentMs = runs.reduce((sum, r) => sum + r.durationMs, 0);
  const largestUsd = Math.max(input.largestRun.largestUsd, ...runs.map((r) => r.costUsd ?? 0));
  const largestMs = Math.max(input.largestRun.largestMs, ...runs.map((r) => r.durationMs));
  return { usd, agentMs, largestUsd, largestMs };
}

function result(c: Candidate, passed: boolean, why: string, ci?: CandidateCi): CandidateResult {
  return { passed, why, ...(ci ? { ci } : {}), runs: c.runs, filesChanged: c.filesChanged, ...(c.sha ? { sha: c.sha } : {}), ...(c.linesChanged !== undefined ? { linesChanged: c.linesChanged } : {}) };
}
