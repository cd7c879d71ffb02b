import type { TestRunResult } from '../../activities/types';
import { issueBranch, type WorkspaceRef } from '../../domain/ids';
import { buildImplementPrompt } from '../../domain/prompt';
import type { Acts } from '../issue/activities';
import { STOP_FIRST_OPTIONS, stopFirst } from '../issue/stop-first';
import type { CandidateInput, CandidateRun } from './messages';

const MINUTE = 60_000;

/** A candidate's state while it runs (its own, in its own workflow). */
export interface Candidate {
  input: CandidateInput;
  ref: WorkspaceRef;
  branch: string;
  acts: Acts;
  /** The worker that holds its worktree (see issue/workspace.ts). */
  host?: string;
  prepared?: boolean;
  /** Where its branch started: its diff is counted from here. */
  start?: string;
  sha?: string;
  linesChanged?: number;
  filesChanged: string[];
  runs: CandidateRun[];
  testFailure?: string;
  /** Why its CI failed after the last push (the failing checks' reports), for a CI-fix round. */
  ciFailure?: string;
}

/** One round of a candidate: its worktree, the agent, a commit pushed to its branch, the tests. */
export async function candidateRound(c: Candidate, round: number): Promise<TestRunResult> {
  const { input, ref, branch } = c;
  const { config } = input;
  const tag = `c${input.index}`;
  const say = (what: string) => `#${ref.issueNumber} candidate ${input.index}: ${what}`;
  if (!c.prepared) {
    const prepared = await c.acts.prepareWorkspace.executeWithOptions({ summary: say('prepare workspace') }, [{ ref, branch, startFrom: issueBranch(ref.issueNumber) }]);
    c.host = prepared.host;
    c.start ??= prepared.headSha;
    c.prepared = true;
  }
  const prompt = buildImplementPrompt({ ...input.prompt, branch, testFailure: c.testFailure, ciFailure: c.ciFailure });
  const agentMinutes = config.timeouts.agentMinutes;
  const run = await stopFirst(() =>
    c.acts.runAgent.executeWithOptions({ summary: say(`agent implement-${round}`), startToCloseTimeout: (agentMinutes + 5) * MINUTE, ...STOP_FIRST_OPTIONS }, [
      { workflowId: input.issueWorkflowId, ref, branch, mode: 'implement', prompt, agent: input.agent, step: `${tag}-implement-${round}`, timeoutMinutes: agentMinutes },
    ]),
  );
  c.runs.push({ agent: run.agent, costUsd: run.costUsd, durationMs: run.durationMs });
  const message = `${input.prompt.task.title || 'issueflow'} (#${ref.issueNumber})\n\nCandidate ${input.index}, round ${round} by ${run.agent}.`;
  const commit = await c.acts.commitAndPush.executeWithOptions({ summary: say('commit and push') }, [{ ref, branch, message, ...(c.start ? { diffFrom: c.start } : {}) }]);
  c.sha = commit.sha;
  c.linesChanged = commit.linesChanged;
  c.filesChanged = [...new Set([...c.filesChanged, ...commit.filesChanged])].sort();
  return stopFirst(() =>
    c.acts.runTests.executeWithOptions({ summary: say(`tests: ${config.testCommand}`), startToCloseTimeout: (config.timeouts.testMinutes + 5) * MINUTE, ...STOP_FIRST_OPTIONS }, [
      { workflowId: input.issueWorkflowId, ref, branch, step: `${tag}-test-${round}`, setupCommand: config.setupCommand, testCommand: config.testCommand, timeoutMinutes: config.timeouts.testMinutes },
    ]),
  );
}
