import { execa } from 'execa';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config';
import { FAILURE_TYPES } from '../types';
import { buildCommandEnv, scrub } from '../agent/env';

export interface GitOptions {
  cwd: string;
  config: Config;
  /** Sent as an `Authorization` header to http(s) remotes; never part of a URL or a config file. */
  token?: string;
  env?: Record<string, string | undefined>;
  extraEnv?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for `rev-parse --verify --quiet`). */
  okCodes?: number[];
}

/** The header git sends, as actions/checkout does it: basic auth with the `x-access-token` user. */
export function authHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Git's environment: the base environment, no prompts, and the token as an `http.extraHeader` given
 * through GIT_CONFIG_COUNT/KEY/VALUE, the environment form of `git -c` that, unlike argv, `ps` does not
 * show to other users and that is never written to `.git/config`.
 */
export function gitEnv(o: Pick<GitOptions, 'config' | 'token' | 'env' | 'extraEnv'>): Record<string, string> {
  const env: Record<string, string> = { ...buildCommandEnv(o.config, o.env), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', ...o.extraEnv };
  if (o.token) Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: authHeader(o.token) });
  return env;
}

/** Runs git; a failure is a GitFailed ApplicationFailure (retryable) whose message is scrubbed of the token. */
export async function git(args: string[], o: GitOptions): Promise<{ stdout: string; exitCode: number }> {
  const r = await execa('git', args, { cwd: o.cwd, env: gitEnv(o), extendEnv: false, reject: false, stdin: 'ignore', timeout: 10 * 60_000 });
  const exitCode = r.exitCode ?? -1;
  if (exitCode === 0 || o.okCodes?.includes(exitCode)) return { stdout: String(r.stdout).trim(), exitCode };
  const secrets = o.token ? [o.token, authHeader(o.token), Buffer.from(`x-access-token:${o.token}`).toString('base64')] : [];
  const output = scrub(`${String(r.stderr)}\n${String(r.stdout)}`.trim(), o.config, secrets).slice(-2000);
  const missing = (r as { code?: string }).code === 'ENOENT';
  throw ApplicationFailure.create({
    message: missing ? 'git is not installed on the worker (or not on PATH).' : `git ${args[0]} failed (exit ${exitCode}): ${output}`,
    type: FAILURE_TYPES.gitFailed,
    nonRetryable: missing,
  });
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled: one git writer per mirror. */
export function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  const settled = next.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => locks.get(key) === settled && locks.delete(key));
  return next;
}
