import type { IssueState } from './states';

/** One step of the story, as shown in the status comment and returned by the status query. */
export interface StepRecord {
  step: string;
  state: 'running' | 'done' | 'failed' | 'skipped';
  startedAt: string;
  endedAt?: string;
  note?: string;
}

/** What the workflow's status query returns: the whole truth about where an issue stands. */
export interface IssueStatus {
  workflowId: string;
  repo: string;
  issueNumber: number;
  state: IssueState;
  steps: StepRecord[];
  pendingQuestion?: string;
  attempts: Record<string, number>;
  pullRequest?: { number: number; url: string };
  branch?: string;
  lastError?: { step: string; message: string; type?: string };
  costUsd: number;
  agent?: string;
  startedAt: string;
  updatedAt: string;
}
