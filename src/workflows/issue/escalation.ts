import { ActivityFailure, ApplicationFailure, condition, log, TimeoutFailure } from '@temporalio/workflow';
import type { Flow, Phase } from './phases';
import { publish, summary } from './publish';
import { clearPending } from './waits';
import { worktreeMayBeGone } from './workspace';
import { HANDED_OVER } from './hand-over';

const DAY = 86_400_000;

/** The step, type and a few lines of an error, from the innermost cause that says something. */
export function describeFailure(err: unknown): { message: string; type?: string } {
  let e: unknown = err;
  let type: string | undefined;
  const messages: string[] = [];
  while (e instanceof Error) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
    if (e instanceof TimeoutFailure) type = `Timeout${e.timeoutType ? `:${e.timeoutType}` : ''}`;
    if (!(e instanceof ActivityFailure) && e.message) messages.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  if (!messages.length && err instanceof Error) messages.push(err.message);
  const message = messages[messages.length - 1] ?? String(err);
  return { message: message.split('\n').slice(0, 6).join('\n').slice(0, 1500), type };
}

/** Runs a GitHub write that must not stop the story (reporting a failure when GitHub itself fails). */
export async function bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn(`issueflow could not ${what}`, { error: describeFailure(err).message });
  }
}

/**
 * A step failed for good: tell the maintainers what failed and how to continue, then wait for
 * `/agent retry` (resume at the failed phase), `/agent cancel` or the PR's end. After `timeouts.escalationDays`: failed.
 */
export async function escalate(flow: Flow, phase: Phase, err: unknown): Promise<'retry' | 'timeout' | 'pr-closed'> {
  const { state } = flow;
  const { data } = state;
  const failure = describeFailure(err);
  const step = phase;
  data.status.lastError = { step, message: failure.message, ...(failure.type ? { type: failure.type } : {}) };
  const n = ++data.counters.escalations;
  clearPending(data);
  // complete, listen and update have no step of their own: the running one (testing, completed) did not fail.
  if (phase === 'complete' || phase === 'listen' || phase === 'update') state.closeStep('done');
  // `/agent escalate`: nothing failed, a maintainer took the issue over; the rest (wait, retry, cancel) is the same.
  const handedOver = failure.type === HANDED_OVER;
  state.enter('escalated', handedOver ? `${step} handed over` : `${step} failed`);
  data.status.pendingQuestion = '`/agent retry` to retry the failed step, `/agent cancel` to stop.';
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
  clearPending(data);
  if (!woke) return 'timeout';
  // A merged or closed PR ends the story at the next phase boundary.
  if (data.pending.prClosed) return 'pr-closed';
  data.status.lastError = undefined;
  data.counters.fixAttempts = 0;
  worktreeMayBeGone(data);
  state.note(`retrying ${phase}`);
  return 'retry';
}
