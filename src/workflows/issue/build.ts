import { ApplicationFailure } from '@temporalio/workflow';
import type { PendingMerge } from '../../activities/types';
import { issueBranch } from '../../domain/ids';
import { buildImplementPrompt } from '../../domain/prompt';
import { promptInput, runAgent, untrustedEditPending } from './analyze';
import { ensureWorkspace } from './workspace';
import type { Flow, PhaseResult } from './phases';
import { publish, summary } from './publish';
import { STOP_FIRST_OPTIONS, stopFirst } from './stop-first';

const MINUTE = 60_000;

/** Error type of a test phase that spent its fix attempts; the escalation explains it. */
export const TESTS_FAILED = 'TestsFailed';

/** Commits and pushes whatever the worktree holds (with `merge`, as the merge of the base); returns whether anything was committed. */
export async function commitWork(flow: Flow, message: string, merge?: PendingMerge): Promise<boolean> {
  const { state } = flow;
  const commit = await flow.acts.commitAndPush.executeWithOptions({ summary: summary(flow, 'commit and push') }, [
    { ref: state.ref, branch: issueBranch(state.ref.issueNumber), message, ...(merge ? { merge } : {}) },
  ]);
  state.data.filesChanged = [...new Set([...state.data.filesChanged, ...commit.filesChanged])].sort();
  if (state.data.config.ci?.wait) (state.data.ci ??= { fixAttempts: 0, rerun: [] }).head = commit.sha;
  return commit.committed;
}

/** The merge of the base that the worktree holds, while its conflicts are to be resolved. */
export function pendingMerge(flow: Flow): PendingMerge | undefined {
  const { conflict } = flow.state.data;
  return conflict && { parent: conflict.baseSha, files: conflict.files };
}

/** The agent changes the code with the issue, the plan, the conversation and the last failure; the work is pushed at once. */
export async function implement(flow: Flow): Promise<PhaseResult> {
  const { state } = flow;
  const { data } = state;
  // The task changed by someone without write access since it was approved: plan again and ask before any more work.
  if (untrustedEditPending(flow)) return 'analyze';
  state.enter('implementing');
  data.status.branch = issueBranch(state.ref.issueNumber);
  await Promise.all([publish(flow), ensureWorkspace(flow)]);
  const n = ++data.counters.implements;
  const result = await runAgent(flow, 'implement', `implement-${n}`, buildImplementPrompt(promptInput(flow)));
  const { conflict } = data;
  const title = conflict ? `Merge ${conflict.baseBranch} into ${data.status.branch}` : (data.task?.title ?? 'issueflow');
  const committed = await commitWork(flow, `${title} (#${state.ref.issueNumber})\n\nRound ${n} by ${result.agent}.`, pendingMerge(flow));
  data.conflict = undefined;
  state.note(committed ? `round ${n}, ${data.filesChanged.length} files` : `round ${n}, no changes`);
  return 'test';
}

/** The repository's tests; a failure goes back to the agent until `maxFixAttempts` are spent. */
export async function test(flow: Flow): Promise<PhaseResult> {
  const { state } = flow;
  const { data } = state;
  const { config } = data;
  state.enter('testing');
  await Promise.all([publish(flow), ensureWorkspace(flow)]);
  const n = ++data.counters.tests;
  state.attempt('test');
  const result = await stopFirst(() =>
    flow.acts.runTests.executeWithOptions(
      { summary: summary(flow, `tests: ${config.testCommand}`), startToCloseTimeout: (config.timeouts.testMinutes + 5) * MINUTE, ...STOP_FIRST_OPTIONS },
      [{ workflowId: state.workflowId, ref: state.ref, branch: issueBranch(state.ref.issueNumber), step: `test-${n}`, setupCommand: config.setupCommand, testCommand: config.testCommand, timeoutMinutes: config.timeouts.testMinutes }],
    ),
  );
  data.lastTests = { passed: result.passed, durationMs: result.durationMs };
  if (result.passed) {
    data.testFailure = undefined;
    data.counters.fixAttempts = 0;
    state.note(`passed in ${Math.round(result.durationMs / 1000)}s`);
    return 'complete';
  }
  data.testFailure = result.outputTail.slice(-4000);
  if (data.counters.fixAttempts < config.maxFixAttempts) {
    data.counters.fixAttempts++;
    state.note(`failed, fix attempt ${data.counters.fixAttempts} of ${config.maxFixAttempts}`);
    return 'implement';
  }
  const why = result.timedOut ? `timed out after ${config.timeouts.testMinutes} min` : `exit code ${result.exitCode}`;
  throw ApplicationFailure.nonRetryable(`\`${config.testCommand}\` still fails after ${config.maxFixAttempts} fix attempts (${why}):\n${result.outputTail.trim().split('\n').slice(-5).join('\n')}`, TESTS_FAILED);
}
