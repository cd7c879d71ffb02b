import { issueBranch } from '../../domain/ids';
import { buildImplementPrompt, buildResumePrompt } from '../../domain/prompt';
import { promptInput, runAgent, untrustedEditPending } from './analyze';
import { candidatesDue, runCandidates } from './candidates';
import { commitWork, pendingMerge } from './commit-work';
import type { Flow } from './flow';
import type { Next } from './phases';
import { publish } from './publish';
import { ensureWorkspace } from './workspace';

/** The agent changes the code with the issue, the plan, the conversation and the last failure; the work is pushed at once. */
export async function implement(flow: Flow): Promise<Next<'implement'>> {
  const { state } = flow;
  const { data } = state;
  // The task changed by someone without write access since it was approved: plan again and ask before any more work.
  if (untrustedEditPending(flow)) return 'analyze';
  state.enter('implementing');
  state.recordBranch(issueBranch(state.ref.issueNumber));
  // The first round after the plan, with candidates: they implement and test side by side, the winner's commit comes here.
  if (candidatesDue(flow)) {
    await runCandidates(flow);
    return 'test';
  }
  await Promise.all([publish(flow), ensureWorkspace(flow)]);
  const n = state.countRound('implements');
  const input = promptInput(flow);
  const prompt = buildImplementPrompt(input);
  // The round before's session, while its worktree stands on this host: told only what is new, unless the task changed.
  const session = state.resumableSession();
  const resume = session && {
    agent: session.agent,
    sessionId: session.id,
    prompt: session.seen === undefined ? prompt : buildResumePrompt(input, session.seen),
    ...(session.costUsd === undefined ? {} : { sessionCostUsd: session.costUsd }),
  };
  const result = await runAgent(flow, 'implement', `implement-${n}`, prompt, resume);
  state.keepSession(result, input.conversation.length);
  const { conflict } = data;
  const title = conflict ? `Merge ${conflict.baseBranch} into ${data.status.branch}` : (data.task?.title ?? 'issueflow');
  const committed = await commitWork(flow, `${title} (#${state.ref.issueNumber})\n\nRound ${n} by ${result.agent}.`, pendingMerge(flow));
  state.clearConflict();
  const round = `round ${n}${result.resumed ? ' (session continued)' : ''}`;
  state.note(committed ? `${round}, ${data.filesChanged.length} files` : `${round}, no changes`);
  return 'test';
}
