import { ApplicationFailure, CancellationScope, ChildWorkflowCancellationType, executeChild, isCancellation, ParentClosePolicy, patched } from '@temporalio/workflow';
import type { Budget } from '../../domain/budget';
import { candidateAgents, pickWinner, type CandidateOutcome } from '../../domain/candidates';
import { FAILURE_TYPES } from '../../domain/failure-types';
import type { RepoConfig } from '../../domain/repo-config';
import { candidateBranch, candidateWorkflowId, issueBranch } from '../../domain/ids';
import type { candidateWorkflow, CandidateInput, CandidateResult } from '../candidate-workflow';
import { promptInput } from './analyze';
import { bestEffort } from './best-effort';
import { describeFailure } from './describe-failure';
import { withinBudget } from './budget';
import type { Flow } from './flow';
import { copyOf } from './flow-data';
import { publish, summary, updateStatusComment } from './publish';

/**
 * Candidate patches (`candidates`, `agents`, `/agent run --candidates N`). Asked only where an issue asks
 * for two or more, which no run recorded before it did: every other story issues what it did before.
 */
export const CANDIDATES_PATCH = 'issue-candidates';

/**
 * Whether this implement round is the candidates': the first round after the plan, with two or more asked
 * for; or a round that chose a winner but did not get it onto the issue's branch yet (its host was lost).
 * Once they ran, every later round (fixes, reviews, a retry after none passed) works on the issue's branch alone.
 */
export function candidatesDue(flow: Flow): boolean {
  const { data } = flow.state;
  const report = data.status.candidates;
  const due = report ? report.winner !== undefined && !report.promoted : data.counters.implements === 0 && !data.conflict && candidateAgents(data.config, flow.input.candidates).length > 1;
  return due && patched(CANDIDATES_PATCH);
}

/**
 * Runs the candidates as child workflows side by side, picks the winner by the repo's rule, and puts its
 * commit on the issue's branch (the candidates' branches are deleted). None passing escalates as failed tests.
 */
export async function runCandidates(flow: Flow): Promise<void> {
  const { state } = flow;
  if (!state.data.status.candidates) {
    await withinBudget(flow);
    state.countRound('implements');
    await race(flow);
  }
  const report = state.data.status.candidates!;
  if (report.winner === undefined) throw ApplicationFailure.nonRetryable(report.why, FAILURE_TYPES.testsFailed);
  const winner = report.list.find((c) => c.index === report.winner)!;
  const { ref } = state;
  const drop = report.list.map((c) => candidateBranch(ref.issueNumber, c.index));
  await flow.acts.promoteCandidate.executeWithOptions({ summary: summary(flow, `candidate ${winner.index} to ${issueBranch(ref.issueNumber)}`) }, [
    { ref, branch: issueBranch(ref.issueNumber), sha: winner.sha!, drop },
  ]);
  state.candidatesPromoted();
  state.recordCommit({ filesChanged: [...(winner.filesChanged ?? [])], sha: winner.sha! });
  state.note(`candidate ${winner.index} of ${report.list.length} won: ${report.why}`);
}

/** Starts every candidate, records each as it ends, and (with `first-passing`) cancels the rest once one passed. */
async function race(flow: Flow): Promise<void> {
  const { state } = flow;
  const { config } = state.data;
  const agents = candidateAgents(config, flow.input.candidates);
  const rule = config.candidateRule ?? 'smallest-diff';
  state.recordCandidates({ list: agents.map((agent, i) => ({ index: i + 1, agent: agent ?? state.data.status.agent, state: 'running', costUsd: 0, durationMs: 0 })), why: `${agents.length} candidates at work (${rule})` });
  state.note(`${agents.length} candidates`);
  await publish(flow);
  const prompt = promptInput(flow);
  const share = shareOf(state.data.status.budget, state.spend(), agents.length);
  const story = CancellationScope.current();
  const scopes = agents.map(() => new CancellationScope());
  let decided = false;
  const ended = (index: number, result: CandidateResult) => {
    state.candidateEnded(index, { state: result.passed ? 'passed' : 'failed', why: result.why, linesChanged: result.linesChanged, sha: result.sha, filesChanged: result.filesChanged, ...(result.ci ? { ci: result.ci } : {}) }, result.runs);
    // The status comment shows each as it ends (coalesced with the other status writes).
    void updateStatusComment(flow);
    if (!result.passed || rule !== 'first-passing' || decided) return;
    decided = true;
    scopes.forEach((scope, i) => i + 1 !== index && scope.cancel());
  };
  const settled = await Promise.allSettled(
    agents.map((agent, i) => {
      const index = i + 1;
      const input: CandidateInput = {
        ref: state.ref,
        index,
        issueWorkflowId: state.workflowId,
        ...(agent ? { agent } : {}),
        prompt,
        config: {
          testCommand: config.testCommand,
          setupCommand: config.setupCommand,
          maxFixAttempts: config.maxFixAttempts,
          timeouts: { agentMinutes: config.timeouts.agentMinutes, testMinutes: config.timeouts.testMinutes },
          // Only where it waits: a repo without CI starts its candidates with the input it did before.
          ...(config.ci?.wait ? { ci: copyOf<NonNullable<RepoConfig['ci']>>(config.ci) } : {}),
        },
        ...(share ? { budget: share } : {}),
        largestRun: { largestUsd: state.spend().largestUsd, largestMs: state.spend().largestMs },
      };
      const child = () =>
        executeChild<typeof candidateWorkflow>('candidateWorkflow', {
          workflowId: candidateWorkflowId(state.workflowId, index),
          args: [input],
          // A loser is cancelled and gone before its branch is deleted; the children end with the issue's run.
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: `${summary(flow, `candidate ${index}`)}${agent ? ` (${agent})` : ''}`,
        });
      return scopes[i].run(child).then(
        (result) => ended(index, result),
        (err) => {
          // The story's own cancellation ends the race; a loser's is its outcome.
          if (isCancellation(err) && story.consideredCancelled) throw err;
          state.candidateEnded(index, { state: isCancellation(err) ? 'cancelled' : 'failed', why: isCancellation(err) ? 'another passed first' : describeFailure(err).message.split('\n')[0] }, []);
        },
      );
    }),
  );
  const stopped = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (stopped) {
    // The story was cancelled (closed, `/agent cancel`, `/agent escalate`) while they ran: they are gone now, and so go their branches.
    const branches = agents.map((_, i) => candidateBranch(state.ref.issueNumber, i + 1));
    await CancellationScope.nonCancellable(() => bestEffort('delete the candidate branches', () => flow.acts.deleteBranches.executeWithOptions({ summary: summary(flow, 'delete the candidate branches') }, [{ ref: state.ref, branches }])));
    throw stopped.reason;
  }
  const { winner, why } = pickWinner(copyOf<CandidateOutcome[]>(state.data.status.candidates!.list), rule);
  state.candidatesDecided(winner, why);
}

/** Each candidate's share of what the budget has left (a share can be spent, never the issue's whole budget twice). */
function shareOf(budget: Budget | undefined, spent: { usd: number; agentMs: number }, n: number): Budget | undefined {
  if (!budget) return undefined;
  const share: Budget = {};
  if (budget.usd !== undefined) share.usd = Math.max(0, budget.usd - spent.usd) / n;
  if (budget.agentMinutes !== undefined) share.agentMinutes = Math.max(0, budget.agentMinutes - spent.agentMs / 60_000) / n;
  return share;
}
