import { v1 } from './drifting-workflow';
export const driftingWorkflow = v1.driftingWorkflow;
export { goSignal } from './drifting-workflow';
