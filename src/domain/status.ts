import type { Budget } from './budget';
import type { CandidatesReport } from './candidates';
import type { CheckInfo } from './ci';
import type { IssueState } from './states';

/** One step of the story, as shown in the status comment and returned by the status query. */
export interface StepRecord {
  step: string;
  state: 'running' | 'done' | 'failed' | 'skipped';
  startedAt: string;
  endedAt?: string;
  note?: string;
}

/** Where a pull request stands on GitHub. */
export type PullRequestState = 'open' | 'closed' | 'merged';

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
  /** The PR of an earlier story of the same issue (reopened, or triggered again), as it stood when this one began. */
  previousPullRequest?: { number: number; url: string; state: PullRequestState };
  branch?: string;
  /** The CI checks of the PR's head commit, when the repo's config waits for them. */
  checks?: { sha: string; items: CheckInfo[]; ignored: string[] };
  /** The candidate patches of the first round after the plan (`candidates` / `agents`), and which won. */
  candidates?: CandidatesReport;
  lastError?: { step: string; message: string; type?: string };
  costUsd: number;
  /** The agent time of all runs; absent in runs from before budgets. */
  agentMs?: number;
  /** The issue's budget now (repo config or service default, as raised by `/agent budget`); absent: none. */
  budget?: Budget;
  agent?: string;
  startedAt: string;
  updatedAt: string;
}
