import { proxyActivities } from '@temporalio/workflow';
import type { RewindActivities, RewindReport } from '../activities/rewind';
import { ISSUE_WORKFLOW_TYPE } from '../domain/ids';

const { rewindDivergedWorkflows } = proxyActivities<RewindActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** The workflows a sweep looks at: issues (a candidate's child workflow is left to a person: its parent waits on that run). */
export const REWOUND_WORKFLOW_TYPES = [ISSUE_WORKFLOW_TYPE];

/** How often one workflow is rewound before it is left to a person. */
export const MAX_REWINDS = 3;

/**
 * Run every few minutes by the `issueflow-rewind` schedule: a workflow whose history its worker cannot replay
 * (README, "Known limit") is rewound to the first task that replays differently, instead of waiting for a person.
 */
export async function rewindWorkflow(): Promise<RewindReport> {
  return rewindDivergedWorkflows({ workflowTypes: REWOUND_WORKFLOW_TYPES, maxRewinds: MAX_REWINDS });
}
