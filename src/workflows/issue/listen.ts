import type { Flow } from './flow';
import type { Next } from './phases';
import { watchBase } from './update';

const DAY = 86_400_000;

/** Waits for the PR to close, a review (another round) or `/agent run`; ends after `timeouts.idleDays`. */
export async function listen(flow: Flow): Promise<Next<'listen'>> {
  const { state } = flow;
  const p = state.data.pending;
  state.takeResume();
  const woke = () => p.prClosed !== undefined || p.reviews > 0 || p.resume || p.update === true;
  const base = woke() ? 'current' : await watchBase(flow, woke, state.data.config.timeouts.idleDays * DAY);
  if (p.prClosed) return { end: p.prClosed.merged ? 'merged' : 'closed' };
  if (base === 'continue') return 'listen';
  if (state.takeUpdate() || base === 'moved') return 'update';
  // Both are taken: a review and a `/agent run` start the same round.
  const reviewed = state.takeReviews();
  if (state.takeResume() || reviewed) {
    state.worktreeMayBeGone();
    return 'implement';
  }
  return { end: 'idle' };
}
