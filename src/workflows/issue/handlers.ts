import { patched, setHandler } from '@temporalio/workflow';
import {
  approveUpdate,
  checksChangedSignal,
  commandSignal,
  feedbackSignal,
  issueClosedSignal,
  issueEditedSignal,
  pullRequestClosedSignal,
  reviewSignal,
  statusQuery,
  conversationQuery,
  type ApproveUpdateResult,
  type CommandSignalArgs,
} from '../messages';
import { parseBudgetArgs } from '../../domain/budget';
import { FAILURE_TYPES } from '../../domain/failure-types';
import { ENDINGS_PATCH } from './endings';
import { bestEffort } from './best-effort';
import { HAND_OVER_PATCH, handOver } from './hand-over';
import type { Flow } from './flow';
import { updateStatusComment } from './publish';

/** Acknowledges a command comment with a reaction, when it came from a comment. */
function react(flow: Flow, args: CommandSignalArgs, content: 'eyes' | '+1' | 'confused'): Promise<void> {
  if (!args.commentId) return Promise.resolve();
  const { owner, repo } = flow.state.ref;
  return bestEffort('react to the command', () => flow.acts.reactToComment({ ref: { owner, repo }, commentId: args.commentId!, content }));
}

function approve(flow: Flow, author: string): ApproveUpdateResult {
  const { state } = flow;
  if (state.current !== 'awaiting-approval') return { accepted: false, state: state.current, reason: `nothing to approve: the issue is ${state.current}` };
  state.approvePlan(author);
  return { accepted: true, state: state.current };
}

async function onCommand(flow: Flow, args: CommandSignalArgs): Promise<void> {
  const { state } = flow;
  if (!state.firstDelivery(args.deliveryId)) return;
  switch (args.command) {
    case 'cancel':
      state.recordCancellation(args.author);
      state.cancelStory();
      return react(flow, args, '+1');
    case 'approve':
      return react(flow, args, approve(flow, args.author).accepted ? '+1' : 'confused');
    case 'retry-ci':
      // Only while the checks are waited for (or escalated there): any other time there is nothing failed to re-run.
      if (state.data.phase !== 'checks') return react(flow, args, 'confused');
      state.askRetryCi();
      return react(flow, args, 'eyes');
    case 'retry':
    case 'run':
      state.askResume();
      return react(flow, args, 'eyes');
    case 'escalate':
      // Before the patch the command was nobody's: ignored, without even a reaction.
      if (!patched(HAND_OVER_PATCH)) return;
      return react(flow, args, handOver(flow, args.author) ? '+1' : 'confused');
    case 'update':
      // Acted on while the PR waits for review or merge (see listen).
      state.askUpdate();
      return react(flow, args, 'eyes');
    case 'budget': {
      const raised = parseBudgetArgs(args.args ?? '');
      if (!raised) return react(flow, args, 'confused');
      state.raiseBudget(raised);
      // A run stopped at the budget goes on (it asks again if the new budget is still too small); any other wait
      // (a plan's approval, a question, another escalation) is not answered by a budget.
      if (state.atBudget || (state.current === 'escalated' && state.data.status.lastError?.type === FAILURE_TYPES.budgetExceeded)) state.askResume();
      return react(flow, args, '+1');
    }
    case 'status':
      await react(flow, args, 'eyes');
      return bestEffort('post the status', () => updateStatusComment(flow));
  }
}

/** A comment as kept for the prompt: long pastes are cut so the state stays small across continue-as-new. */
const MAX_BODY = 20_000;
const clip = (body: string) => (body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n[cut: ${body.length - MAX_BODY} more characters]` : body);

/** Registered before anything else runs, so no signal of the first task is lost. */
export function registerHandlers(flow: Flow): void {
  const { state } = flow;
  const now = () => new Date().toISOString();
  setHandler(statusQuery, () => state.snapshot());
  setHandler(conversationQuery, () => state.conversation()); // a query adds nothing to the history: replay is unchanged
  setHandler(commandSignal, (args) => onCommand(flow, args));
  setHandler(feedbackSignal, (args) => {
    if (!state.firstDelivery(args.deliveryId)) return;
    state.hearFeedback({ author: args.author, trusted: args.trusted === true, body: clip(args.body), at: now() });
  });
  setHandler(issueEditedSignal, (args) => {
    if (!state.firstDelivery(args.deliveryId)) return;
    state.issueEdited({ title: args.title, body: args.body, by: args.author, trusted: args.trusted === true, at: now() });
  });
  setHandler(reviewSignal, (args) => {
    if (!state.firstDelivery(args.deliveryId)) return;
    // Routing passes reviews only from owners, members and collaborators.
    state.hearReview({ author: args.author, trusted: true, body: clip(args.body), at: now(), ...(args.path ? { path: args.path } : {}), ...(args.line ? { line: args.line } : {}) });
  });
  setHandler(pullRequestClosedSignal, (args) => {
    if (!state.firstDelivery(args.deliveryId)) return;
    const ours = state.data.status.pullRequest?.number;
    // Only the PR issueflow opened is the story's: before it there is none (an earlier story's or a fork's is not).
    if (ours === undefined ? patched(ENDINGS_PATCH) : ours !== args.pullRequestNumber) return;
    state.pullRequestClosed(args.merged);
    // At once while a review round works, which must not push to a merged or closed PR's branch; other steps end at their next wait.
    if ((state.data.phase === 'implement' || state.data.phase === 'test') && patched(ENDINGS_PATCH)) state.cancelStory();
  });
  // Not de-duplicated by delivery: it only says "read again", and CI sends many.
  setHandler(checksChangedSignal, (args) => {
    state.checksChanged(args.sha);
  });
  // The cancellation follows; this tells it that a merged PR may be why (see endCancelled).
  setHandler(issueClosedSignal, (args) => {
    if (state.firstDelivery(args.deliveryId)) state.issueClosed({ stateReason: args.stateReason, by: args.by });
  });
  setHandler(approveUpdate, (args) => (state.firstDelivery(args.deliveryId) ? approve(flow, args.author) : { accepted: false, state: state.current, reason: 'duplicate delivery' }), {
    validator: (args) => {
      if (!args?.deliveryId || !args.author) throw new Error('approve needs a deliveryId and the author who approves');
      // Refused here, an early approval leaves no trace in the history; validators do not run on replay.
      if (state.current !== 'awaiting-approval') throw new Error(`nothing to approve: the issue is ${state.current}`);
    },
  });
}
