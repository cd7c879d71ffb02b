import { allHandlersFinished, CancellationScope, condition, continueAsNew, isCancellation, log, patched, workflowInfo } from '@temporalio/workflow';
import { issueWorkflowId } from '../domain/ids';
import type { IssueRef } from '../domain/ids';
import { FAILURE_TYPES } from '../domain/failure-types';
import type { RepoConfig } from '../domain/repo-config';
import { DEFAULT_CONFIG } from '../domain/repo-defaults';
import { STATE_ATTR } from '../domain/search-attributes';
import type { IssueWorkflowInput, IssueWorkflowResult } from './messages';
import { createActivityProxies } from './issue/activities';
import { bestEffort } from './issue/best-effort';
import { describeFailure } from './issue/describe-failure';
import { escalate } from './issue/escalation';
import { endCancelled, ENDINGS_PATCH, lookUpPreviousPullRequest } from './issue/endings';
import { finish } from './issue/finish';
import type { Flow } from './issue/flow';
import { newFlowData, type FlowData } from './issue/flow-data';
import { FlowState } from './issue/flow-state';
import { registerHandlers } from './issue/handlers';
import { runPhase } from './issue/hand-over';
import { moveRound } from './issue/workspace';
import { isEnding, type Ending, type Phase, type PhaseResult } from './issue/phases';
import { postComment, publish, published, summary } from './issue/publish';
import { STEPS } from './issue/steps';


/** One GitHub issue from queued to merged (or stale, failed, cancelled): the issue's whole story. */
export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueWorkflowResult> {
  const ref: IssueRef = { owner: input.owner, repo: input.repo, issueNumber: input.issueNumber };
  const workflowId = issueWorkflowId(ref);
  const carried = carriedState(input);
  const state = new FlowState(ref, workflowId, carried ?? newFlowData(ref, workflowId, DEFAULT_CONFIG, input.trigger.deliveryId));
  const flow: Flow = { state, acts: createActivityProxies(() => state.data.host), input };
  registerHandlers(flow);
  if (!carried) state.markShown('attribute', workflowInfo().typedSearchAttributes.get(STATE_ATTR) as FlowData['shown']['attribute']);

  const story = new CancellationScope();
  state.cancelStory = () => story.cancel();
  // A `/agent cancel` delivered with the start reached its handler before the scope existed.
  if (state.data.cancelledBy) story.cancel();
  try {
    const ending = await story.run(() => (carried ? runPhases(flow, carried.phase) : start(flow)));
    return await endStory(flow, ending);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    const result = await endCancelled(flow);
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    // A run cancelled in Temporal ends cancelled there too, unless `/agent cancel` or the PR ended it.
    if (state.data.cancelledBy || result.outcome !== 'cancelled') return result;
    throw err;
  }
}

/**
 * The final summary and label. Once the story has ended a cancellation changes nothing: it is GitHub
 * closing the issue the merged PR fixes. The patch is asked only when a cancellation arrives meanwhile
 * (so an ending without one records no marker); a history from before it is cancelled as it was then.
 */
function endStory(flow: Flow, ending: Ending): Promise<IssueWorkflowResult> {
  const root = CancellationScope.current();
  return CancellationScope.nonCancellable(() => {
    const end = new CancellationScope();
    root.cancelRequested.catch(() => {
      if (!patched(ENDINGS_PATCH)) end.cancel();
    });
    return end.run(async () => {
      const result = await finish(flow, ending);
      await condition(allHandlersFinished);
      return result;
    });
  });
}

/**
 * The state carried over by continue-as-new, only in a run continued from another: from anyone else
 * (a client starting the workflow) it would skip intake and approval and set, say, the test command.
 */
function carriedState(input: IssueWorkflowInput): FlowData | undefined {
  if (input.carried === undefined) return undefined;
  if (workflowInfo().continuedFromExecutionRunId) return input.carried;
  log.warn('ignoring `carried` in the input of a fresh start: only a continue-as-new carries state; starting from intake');
  return undefined;
}

/** Queued: label and status comment, and the repo's config (problems: a comment, and the defaults). */
async function start(flow: Flow): Promise<Ending> {
  const { state } = flow;
  // Reporting must not stop the start: a label that failed now is set again at the next state.
  const [, config] = await Promise.all([
    bestEffort('show the queued state', () => publish(flow)),
    readConfig(flow),
    // Only where an earlier story may have left a PR: a first story costs no look-up.
    flow.input.trigger.earlierStory && patched(ENDINGS_PATCH) ? lookUpPreviousPullRequest(flow) : undefined,
  ]);
  state.useConfig(config.config, flow.input.budget);
  if (config.problems.length) {
    const body = [`\`.github/issueflow.yml\` could not be used, so I work with the defaults:`, '', ...config.problems.map((p) => `- ${p}`)].join('\n');
    await bestEffort('report the config problems', () => postComment(flow, 'config', body));
  }
  return runPhases(flow, 'intake');
}

async function readConfig(flow: Flow): Promise<{ config: RepoConfig; problems: string[] }> {
  const { owner, repo } = flow.state.ref;
  try {
    return await flow.acts.getRepoConfig.executeWithOptions({ summary: summary(flow, 'read .github/issueflow.yml') }, [{ owner, repo }]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { config: DEFAULT_CONFIG, problems: [`reading it failed: ${describeFailure(err).message.split('\n')[0]}`] };
  }
}

function continueAsNewDue(flow: Flow): boolean {
  const info = workflowInfo();
  const limit = flow.input.continueAsNewAtHistoryLength;
  return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
}

/** Runs phase after phase until an end (or the PR is closed); a failed phase escalates and, on `/agent retry`, runs again. */
async function runPhases(flow: Flow, first: Phase): Promise<Ending> {
  let phase = first;
  let ranOne = false; // each run makes progress, however small the history limit
  for (;;) {
    flow.state.atPhase(phase);
    if (ranOne && continueAsNewDue(flow)) {
      await condition(allHandlersFinished);
      await published(flow);
      await continueAsNew<(input: IssueWorkflowInput) => Promise<IssueWorkflowResult>>({ ...flow.input, carried: flow.state.toCarry() });
    }
    const closed = flow.state.data.pending.prClosed;
    if (closed) return { end: closed.merged ? 'merged' : 'closed' };
    let next: PhaseResult;
    try {
      next = await runPhase(flow, phase, STEPS[phase]);
      flow.state.roundHeld();
    } catch (err) {
      if (isCancellation(err)) throw err;
      // A lost host: the round runs again on another (workspace.ts); any other failure escalates.
      const moved = moveRound(flow, phase, err);
      if (moved) next = moved;
      else {
        const decision = await escalate(flow, phase, err);
        // No commits for a PR: a retry runs the agent again (with what people said meanwhile), not the PR call.
        next = decision === 'timeout' ? { end: 'failed' } : describeFailure(err).type === FAILURE_TYPES.noChanges ? 'implement' : phase;
      }
    }
    if (isEnding(next)) return next;
    phase = next;
    ranOne = true;
  }
}
