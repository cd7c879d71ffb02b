import { v2 } from './drifting-workflow';
export const driftingWorkflow = v2.driftingWorkflow;
export { goSignal } from './drifting-workflow';
