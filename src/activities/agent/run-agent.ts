import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FAILURE_TYPES, type AgentResume, type AgentRunInput, type AgentRunResult } from '../types';
import { readPaused } from '../../store/settings';
import { secretValues } from '../../config';
import type { AgentDeps } from './deps';
import { agentCommand, canResume, RESUME_ENV, SESSION_COST, type AgentPreset } from './presets';
import { buildAgentEnv, envSecretValues, scrub } from '../process/env';
import { looksLikeProviderOutage, looksLikeUnknownSession, parsePlan, parseResultLine } from './parse';
import { lastLines, runSupervised } from '../process/supervised-process';
import { homePath, worktreePath } from '../workspace/paths';
import { agentPolicy, resolveCommand, sandboxCommand, sandboxEnabled } from '../sandbox';
import { heartbeating } from '../heartbeat';
import { SessionWatch, sessionToResume, type AgentHeartbeat } from './session';

/** `unknownSession`: the run was told to continue a session that the CLI does not know (here). */
type Attempt = { ok: AgentRunResult } | { failure: ApplicationFailure; tryFallback: boolean; unknownSession?: boolean };

const isResultLine = (line: string) => line.startsWith('{') && line.includes('"result"');

/**
 * While the operator's pause switch is on no agent starts: the workflow holds the round, durably and for
 * as long as the pause lasts, and asks again (an activity's own time-out must not bound a pause).
 */
async function refuseWhilePaused(deps: AgentDeps): Promise<void> {
  if (!(await readPaused(deps.pool))) return;
  throw ApplicationFailure.create({ message: 'Agent runs are paused (POST /admin/pause); the round waits for POST /admin/resume.', type: FAILURE_TYPES.agentPaused, nonRetryable: true });
}

type Progress = (details: AgentHeartbeat) => void;

/** One run of `preset`; `resume` is the session it continues (a cold start without). */
async function attempt(deps: AgentDeps, ctx: Context, progress: Progress, input: AgentRunInput, preset: AgentPreset, promptFile: string, workdir: string, continued?: AgentResume): Promise<Attempt> {
  const resume = continued?.sessionId;
  // What the CLI will count as spent before this run: its reported cost minus this is the run's own.
  const costBase = resume && SESSION_COST.includes(preset) ? (continued?.sessionCostUsd ?? 0) : 0;
  const { config } = deps;
  let cmd: ReturnType<typeof agentCommand>;
  try {
    cmd = agentCommand(preset, { mode: input.mode, promptFile, workdir, customCommand: config.agent.command, resumeSession: resume });
  } catch (err) {
    // The repository asked for `custom` but this service has no (valid) AGENT_COMMAND.
    const message = `The agent ${preset} cannot run here: ${(err as Error).message}`;
    return { failure: ApplicationFailure.create({ message, type: FAILURE_TYPES.agentMissing, nonRetryable: true }), tryFallback: true };
  }
  const env = buildAgentEnv(config, preset, deps.env);
  if (resume && preset === 'custom') env[RESUME_ENV] = resume;
  const secrets = [...secretValues(config), ...envSecretValues(env)];
  const clean = (text: string) => scrub(text, config, secrets);
  // The session travels in every heartbeat from the moment the CLI names it: a retried attempt continues it.
  let seen = { bytes: 0, lastLine: '' };
  const beat = () => progress({ ...seen, ...(session.id ? { session: { agent: preset, id: session.id, ...(costBase ? { costUsd: costBase } : {}) } } : {}) });
  const session = new SessionWatch(canResume(preset, config.agent.command), clean);
  // Measured from the agent's output alone: the heartbeats go on while it is silent.
  const idleTimeoutMs = deps.idleTimeoutMs ?? config.agent.idleMinutes * 60_000;
  const sandboxed = sandboxEnabled(config);
  const file = sandboxed ? resolveCommand(cmd.file, env.PATH) : cmd.file;
  if (!file) return spawnFailure(preset, cmd.file, 'ENOENT');
  const boxed = sandboxed
    ? await sandboxCommand(config, deps.logger, { file, args: cmd.args, cwd: workdir, env, home: homePath(config.dataDir, input.ref), network: agentPolicy(config, preset, env) })
    : { file, args: cmd.args, env, close: async () => undefined };
  const run = await runSupervised({
    file: boxed.file,
    args: boxed.args,
    stdinFile: cmd.stdinFile,
    cwd: workdir,
    env: boxed.env,
    log: { pool: deps.pool, workflowId: input.workflowId, step: input.step, secrets, logger: deps.logger },
    hardTimeoutMs: input.timeoutMinutes * 60_000,
    idleTimeoutMs,
    signal: ctx.cancellationSignal,
    killGraceMs: deps.killGraceMs,
    keepLine: isResultLine,
    onLine: (line) => {
      if (!session.line(line)) return;
      seen = { bytes: seen.bytes, lastLine: clean(line).slice(0, 500) };
      beat();
    },
    onProgress: (p) => {
      seen = { bytes: p.bytes, lastLine: clean(p.lastLine) };
      beat();
    },
  }).finally(() => boxed.close());
  const outputTail = clean(lastLines(run.tail));
  const details = { agent: preset, exitCode: run.exitCode, outputTail };
  if (run.ended === 'cancelled') throw ctx.cancellationSignal.reason instanceof Error ? ctx.cancellationSignal.reason : new CancelledFailure('CANCELLED');
  if (run.ended !== 'exit') {
    const why = run.ended === 'idle-timeout' ? `printed nothing for ${Math.round(idleTimeoutMs / 1000)} s (AGENT_IDLE_MINUTES)` : `ran longer than ${input.timeoutMinutes} minutes`;
    const message = `The agent (${preset}) ${why} and was stopped.\n${lastLines(outputTail, 2000)}`;
    return { failure: ApplicationFailure.create({ message, type: FAILURE_TYPES.agentTimedOut, nonRetryable: true, details: [details] }), tryFallback: false };
  }
  if (run.spawnError) return spawnFailure(preset, cmd.file, run.spawnError, details);
  const stream = run.keptLine ? parseResultLine(run.keptLine) : undefined;
  if (run.exitCode !== 0 || stream?.isError) {
    const message = `The agent (${preset}) failed with exit code ${run.exitCode ?? run.signal}.\n${lastLines(outputTail, 2000)}`;
    const failure = ApplicationFailure.create({ message, type: FAILURE_TYPES.agentFailed, nonRetryable: false, details: [details] });
    return { failure, tryFallback: looksLikeProviderOutage(run.tail), unknownSession: resume !== undefined && looksLikeUnknownSession(run.tail) };
  }
  const resultText = clean(stream ? stream.resultText : lastLines(run.tail, 60_000));
  return {
    ok: {
      agent: preset,
      exitCode: 0,
      resultText,
      plan: input.mode === 'plan' ? parsePlan(resultText) : undefined,
      turns: stream?.turns,
      tokens: stream?.tokens,
      costUsd: stream?.costUsd === undefined ? undefined : Math.max(0, Math.round((stream.costUsd - costBase) * 1e6) / 1e6),
      outputTail,
      durationMs: run.durationMs,
      ...(session.id ? { sessionId: session.id, ...(stream?.costUsd !== undefined ? { sessionCostUsd: stream.costUsd } : {}) } : {}),
      ...(resume ? { resumed: true } : {}),
    },
  };
}

function spawnFailure(preset: AgentPreset, file: string, code: string, details?: object): Attempt {
  const message = `The agent command \`${file}\` could not be started (${code}) for AGENT=${preset}: install it on the worker, put it on PATH, or set AGENT_FALLBACK.`;
  return { failure: ApplicationFailure.create({ message, type: FAILURE_TYPES.agentMissing, nonRetryable: true, details: details ? [details] : [] }), tryFallback: true };
}

/** Runs the coding agent in the worktree, heartbeating twice a second; see createAgentActivities for the guarantees. */
export function runAgentWith(deps: AgentDeps, input: AgentRunInput): Promise<AgentRunResult> {
  return heartbeating((progress) => runAgentIn(deps, Context.current(), progress, input));
}

async function runAgentIn(deps: AgentDeps, ctx: Context, progress: Progress, input: AgentRunInput): Promise<AgentRunResult> {
  await refuseWhilePaused(deps);
  const workdir = (deps.workspaceDir ?? ((ref) => worktreePath(deps.config.dataDir, ref)))(input.ref);
  if (!existsSync(workdir)) {
    throw ApplicationFailure.create({ message: `The worktree ${workdir} is missing: run prepareWorkspace on this worker first.`, type: FAILURE_TYPES.gitFailed });
  }
  const primary = input.agent ?? deps.config.agent.preset;
  const fallback = deps.config.agent.fallback;
  const presets = fallback && fallback !== primary ? [primary, fallback] : [primary];
  // The prompt sits in the private HOME: the one place besides the worktree that a sandboxed agent sees.
  const home = homePath(deps.config.dataDir, input.ref);
  await mkdir(home, { recursive: true });
  const dir = await mkdtemp(join(home, '.issueflow-prompt-'));
  const resume = sessionToResume(ctx, input);
  try {
    const promptFile = join(dir, 'prompt.md');
    let last: Attempt | undefined;
    for (const preset of presets) {
      const session = resume?.agent === preset && canResume(preset, deps.config.agent.command) ? resume : undefined;
      const log = { workflowId: input.workflowId, step: input.step, agent: preset, mode: input.mode, resumes: session?.sessionId };
      deps.logger.info(log, 'agent run started');
      await writeFile(promptFile, session ? session.prompt : input.prompt, { mode: 0o600 });
      last = await attempt(deps, ctx, progress, input, preset, promptFile, workdir, session);
      if (session && 'failure' in last && last.unknownSession) {
        // Its HOME was cleaned up, or the CLI forgot it: the round starts cold, with the whole prompt.
        deps.logger.warn(log, 'the agent session to continue is unknown here; starting cold');
        await writeFile(promptFile, input.prompt, { mode: 0o600 });
        last = await attempt(deps, ctx, progress, input, preset, promptFile, workdir);
      }
      if ('ok' in last) {
        deps.logger.info({ ...log, durationMs: last.ok.durationMs, costUsd: last.ok.costUsd }, 'agent run finished');
        return last.ok;
      }
      deps.logger.warn({ ...log, type: last.failure.type }, 'agent run failed');
      if (!last.tryFallback) break;
    }
    throw (last as { failure: ApplicationFailure }).failure;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
