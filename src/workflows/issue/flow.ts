import type { IssueWorkflowInput } from '../messages';
import type { Acts } from './activities';
import type { FlowState } from './flow-state';

/** What each step gets: the state, the activities and the input. */
export interface Flow {
  state: FlowState;
  acts: Acts;
  input: IssueWorkflowInput;
}
