import { existsSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { secretValues } from '../../config';
import { FAILURE_TYPES, type RunTestsInput, type TestRunResult } from '../types';
import { buildCommandEnv, scrub } from '../process/env';
import { lastLines, runSupervised } from '../process/supervised-process';
import { createRunLog } from '../run-log';
import type { WorkspaceDeps } from './deps';
import { homePath, worktreePath } from './paths';
import { commandPolicy, sandboxCommand, sandboxEnabled } from '../sandbox';
import { heartbeating } from '../heartbeat';

/**
 * Runs the repository's set-up then test command with `sh -c` in the worktree, sandboxed like the
 * agent (with COMMAND_NETWORK_ALLOW for its network), within one time-out
 * for both, in a process group that is killed on time-out or cancellation (returning once it is dead),
 * heartbeating twice a second. A failing or timed-out
 * run is a result, not an error: the workflow decides whether to ask the agent for a fix.
 */
export function runTests(deps: WorkspaceDeps, input: RunTestsInput): Promise<TestRunResult> {
  return heartbeating((progress) => runTestsIn(deps, Context.current(), progress, input));
}

async function runTestsIn(deps: WorkspaceDeps, ctx: Context, progress: (details: { bytes: number }) => void, input: RunTestsInput): Promise<TestRunResult> {
  const wt = worktreePath(deps.config.dataDir, input.ref);
  if (!existsSync(wt)) {
    throw ApplicationFailure.create({ message: `No worktree at ${wt}: run prepareWorkspace on this worker first.`, type: FAILURE_TYPES.gitFailed, nonRetryable: true });
  }
  const env = { ...buildCommandEnv(deps.config, deps.env), CI: 'true' };
  const secrets = secretValues(deps.config);
  const deadline = Date.now() + input.timeoutMinutes * 60_000;
  const started = Date.now();
  let tail = '';
  const commands = [input.setupCommand, input.testCommand].filter((c): c is string => !!c && c.trim() !== '');
  for (const command of commands) {
    const header = `$ ${command}\n`;
    const headerLog = createRunLog({ pool: deps.pool, workflowId: input.workflowId, step: input.step, secrets });
    await headerLog.write(header);
    await headerLog.close();
    const boxed = sandboxEnabled(deps.config)
      ? await sandboxCommand(deps.config, deps.logger, { file: 'sh', args: ['-c', command], cwd: wt, env, home: homePath(deps.config.dataDir, input.ref), network: commandPolicy(deps.config) })
      : { file: 'sh', args: ['-c', command], env, close: async () => undefined };
    const run = await runSupervised({
      file: boxed.file,
      args: boxed.args,
      cwd: wt,
      env: boxed.env,
      log: { pool: deps.pool, workflowId: input.workflowId, step: input.step, secrets, logger: deps.logger },
      hardTimeoutMs: Math.max(1, deadline - Date.now()),
      signal: ctx.cancellationSignal,
      killGraceMs: deps.killGraceMs,
      onProgress: (p) => progress({ bytes: p.bytes }),
    }).finally(() => boxed.close());
    tail = (tail + header + run.tail).slice(-64 * 1024);
    const outputTail = scrub(lastLines(tail), deps.config, secrets);
    const base = { durationMs: Date.now() - started, outputTail };
    if (run.ended === 'cancelled') throw ctx.cancellationSignal.reason instanceof Error ? ctx.cancellationSignal.reason : new CancelledFailure('CANCELLED');
    if (run.ended !== 'exit') return { ...base, passed: false, exitCode: null, timedOut: true };
    if (run.exitCode !== 0) return { ...base, passed: false, exitCode: run.exitCode, timedOut: false };
  }
  return { passed: true, exitCode: 0, timedOut: false, durationMs: Date.now() - started, outputTail: scrub(lastLines(tail), deps.config, secrets) };
}
