import type { Budget, Spend } from '../../domain/budget';
import type { CandidateCi } from '../../domain/candidates';
import type { IssueRef } from '../../domain/ids';
import type { PromptInput } from '../../domain/prompt';
import type { RepoConfig } from '../../domain/repo-config';

/** What the issue's workflow gives one candidate: the task as a prompt, the repo's commands, and its share of the budget. */
export interface CandidateInput {
  ref: IssueRef;
  /** 1, 2, ...: names the candidate's branch, worktree and run-log steps (`c2-implement-1`). */
  index: number;
  /** The issue's workflow: the candidate's agent and test output goes to its run log. */
  issueWorkflowId: string;
  agent?: RepoConfig['agent'];
  /** The prompt of the first round (its branch the candidate's); fix rounds add the failing tests. */
  prompt: PromptInput;
  /** `ci` only where the repo waits for CI: a candidate whose tests passed then waits for its head's checks. */
  config: Pick<RepoConfig, 'testCommand' | 'setupCommand' | 'maxFixAttempts' | 'ci'> & { timeouts: Pick<RepoConfig['timeouts'], 'agentMinutes' | 'testMinutes'> };
  /** This candidate's share of what the issue's budget has left; absent: no budget. */
  budget?: Budget;
  /** The largest run of the issue so far: the budget's guess at the next. */
  largestRun: Pick<Spend, 'largestUsd' | 'largestMs'>;
}

/** One agent run of a candidate, which the issue adds to its own spend. */
export interface CandidateRun {
  agent: string;
  costUsd?: number;
  durationMs: number;
}

/** What a candidate came to. */
export interface CandidateResult {
  passed: boolean;
  /** The head it pushed last (on its own branch). */
  sha?: string;
  /** Lines added plus removed since where it started. */
  linesChanged?: number;
  filesChanged: string[];
  runs: CandidateRun[];
  /** Why it ended so: tests (and CI) passed, failed after N fix attempts, CI red, its budget share spent, a failure. */
  why: string;
  /** Where it waited for CI: what the checks of its last head said. */
  ci?: CandidateCi;
}
