import { FAILURE_TYPES } from '../../domain/failure-types';
import { ApplicationFailure } from '@temporalio/workflow';
import { issueBranch } from '../../domain/ids';
import type { Flow } from './flow';
import type { Next } from './phases';
import { publish, summary } from './publish';
import { STOP_FIRST_OPTIONS, stopFirst } from './stop-first';
import { ensureWorkspace } from './workspace';

const MINUTE = 60_000;

/** Error type of a test phase that spent its fix attempts; the escalation explains it. */
export const TESTS_FAILED = FAILURE_TYPES.testsFailed;

/** The repository's tests; a failure goes back to the agent until `maxFixAttempts` are spent. */
export async function test(flow: Flow): Promise<Next<'test'>> {
  const { state } = flow;
  const { config } = state.data;
  state.enter('testing');
  await Promise.all([publish(flow), ensureWorkspace(flow)]);
  const n = state.countRound('tests');
  state.attempt('test');
  const result = await stopFirst(() =>
    flow.acts.runTests.executeWithOptions(
      { summary: summary(flow, `tests: ${config.testCommand}`), startToCloseTimeout: (config.timeouts.testMinutes + 5) * MINUTE, ...STOP_FIRST_OPTIONS },
      [{ workflowId: state.workflowId, ref: state.ref, branch: issueBranch(state.ref.issueNumber), step: `test-${n}`, setupCommand: config.setupCommand, testCommand: config.testCommand, timeoutMinutes: config.timeouts.testMinutes }],
    ),
  );
  state.recordTests(result);
  if (result.passed) {
    state.note(`passed in ${Math.round(result.durationMs / 1000)}s`);
    return 'complete';
  }
  if (state.data.counters.fixAttempts < config.maxFixAttempts) {
    const attempt = state.countFixAttempt();
    state.note(`failed, fix attempt ${attempt} of ${config.maxFixAttempts}`);
    return 'implement';
  }
  const why = result.timedOut ? `timed out after ${config.timeouts.testMinutes} min` : `exit code ${result.exitCode}`;
  throw ApplicationFailure.nonRetryable(`\`${config.testCommand}\` still fails after ${config.maxFixAttempts} fix attempts (${why}):\n${result.outputTail.trim().split('\n').slice(-5).join('\n')}`, TESTS_FAILED);
}
