/** The resumable parts of the story; an escalation's `/agent retry` resumes at the phase that failed. */
export const PHASES = ['intake', 'analyze', 'implement', 'test', 'complete', 'checks', 'listen', 'update'] as const;
export type Phase = (typeof PHASES)[number];

/** How the story ended, when it did not end by cancellation. */
export type Ending = { end: 'merged' | 'closed' | 'idle' | 'stale' | 'failed' };

/**
 * The phase graph: the phases each phase's step may go to next (any step may also end the story). STEPS
 * (steps.ts) holds the step of each phase. Outside the graph, only a failure moves: an escalation's retry
 * runs the failed phase again (`implement` when there was nothing to commit), a lost host runs the round
 * again on another (`update` when the lost worktree held a merge of the base).
 */
export const NEXT = {
  intake: ['analyze'],
  analyze: ['analyze', 'implement'],
  implement: ['analyze', 'test'],
  test: ['implement', 'complete'],
  complete: ['checks', 'listen'],
  checks: ['implement', 'listen'],
  listen: ['listen', 'update', 'implement'],
  update: ['implement', 'listen'],
} as const satisfies { [P in Phase]: readonly Phase[] };

/** What the step of phase `P` returns: a phase it may go to, or an end. */
export type Next<P extends Phase> = (typeof NEXT)[P][number] | Ending;

export type PhaseResult = Phase | Ending;

/** Whether a step ended the story. */
export function isEnding(r: PhaseResult): r is Ending {
  return typeof r === 'object';
}
