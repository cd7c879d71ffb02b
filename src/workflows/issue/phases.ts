import type { IssueWorkflowInput } from '../messages';
import type { Acts } from './activities';
import type { FlowState } from './flow-state';

/** The resumable parts of the story; an escalation's `/agent retry` resumes at the phase that failed. */
export const PHASES = ['intake', 'analyze', 'implement', 'test', 'complete', 'checks', 'listen', 'update'] as const;
export type Phase = (typeof PHASES)[number];

/** How the story ended, when it did not end by cancellation. */
export type Ending = { end: 'merged' | 'closed' | 'idle' | 'stale' | 'failed' };

/** What each step gets: the state, the activities and the input. */
export interface Flow {
  state: FlowState;
  acts: Acts;
  input: IssueWorkflowInput;
}

export type PhaseResult = Phase | Ending;

export function isEnding(r: PhaseResult): r is Ending {
  return typeof r === 'object';
}
