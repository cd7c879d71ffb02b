import { condition } from '@temporalio/workflow';
import { bestEffort } from './best-effort';
import { describeFailure } from './describe-failure';
import type { Flow } from './flow';
import type { Phase } from './phases';
import { publish, summary } from './publish';
import { HANDED_OVER } from './hand-over';

const DAY = 86_400_000;

/**
 * A step failed for good: tell the maintainers what failed and how to continue, then wait for
 * `/agent retry` (resume at the failed phase), `/agent cancel` or the PR's end. After `timeouts.escalationDays`: failed.
 */
export async function escalate(flow: Flow, phase: Phase, err: unknown): Promise<'retry' | 'timeout' | 'pr-closed'> {
  const { state } = flow;
  const { data } = state;
  const failure = describeFailure(err);
  const step = phase;
  const n = state.recordEscalation({ step, message: failure.message, ...(failure.type ? { type: failure.type } : {}) });
  state.clearPending();
  // complete, listen and update have no step of their own: the running one (testing, completed) did not fail.
  if (phase === 'complete' || phase === 'listen' || phase === 'update') state.closeStep('done');
  // `/agent escalate`: nothing failed, a maintainer took the issue over; the rest (wait, retry, cancel) is the same.
  const handedOver = failure.type === HANDED_OVER;
  state.waitForPeople('escalated', '`/agent retry` to retry the failed step, `/agent cancel` to stop.', handedOver ? `${step} handed over` : `${step} failed`);
  const mentions = data.config.maintainers.map((m) => `@${m}`).join(' ') || `@${data.issue.author || 'maintainers'}`;
  const body = [
    handedOver ? `### ⚠️ Handed to a maintainer at step \`${step}\`` : `### ⚠️ I need help: step \`${step}\` failed`,
    '',
    handedOver ? `${mentions}, the step \`${step}\` was stopped:` : `${mentions}, the step \`${step}\` failed${failure.type ? ` (\`${failure.type}\`)` : ''}:`,
    '',
    '```',
    failure.message,
    '```',
    '',
    '- `/agent retry` retries this step (the work so far is kept)',
    '- `/agent cancel` stops and cleans up',
    '',
    `Without a command in ${data.config.timeouts.escalationDays} days this issue is marked failed.`,
  ].join('\n');
  await bestEffort('report the escalation', () => publish(flow, [{ key: `escalation-${n}`, body }]));
  const woke = await condition(() => data.pending.resume || data.pending.prClosed !== undefined, data.config.timeouts.escalationDays * DAY, {
    summary: summary(flow, `escalated at ${phase}: wait for /agent retry`),
  });
  state.clearPending();
  if (!woke) return 'timeout';
  // A merged or closed PR ends the story at the next phase boundary.
  if (data.pending.prClosed) return 'pr-closed';
  state.escalationResolved();
  state.note(`retrying ${phase}`);
  return 'retry';
}
