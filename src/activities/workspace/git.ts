import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config';
import { FAILURE_TYPES } from '../types';
import { buildCommandEnv, scrub } from '../process/env';
import { runCommand } from '../process/spawner';

/** A git command still running after this is stuck (a fetch from a remote that stopped answering). */
const GIT_TIMEOUT_MS = 10 * 60_000;

export interface GitOptions {
  cwd: string;
  config: Config;
  /** Sent as an `Authorization` header to `remoteUrl`; never part of a URL or a config file. */
  token?: string;
  /** The remote the token is for; the header is scoped to its origin. */
  remoteUrl?: string;
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
 * Settings that win over any config file: every key through which a config could run a command,
 * rewrite a URL, add a proxy or credential, or pull in another file. issueflow's repositories are its
 * own, but a setting that steers git must never depend on that alone.
 */
const PINNED_SETTINGS: [string, string][] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.sshCommand', 'false'],
  ['core.askPass', 'true'],
  ['core.attributesFile', '/dev/null'],
  ['credential.helper', ''],
  ['http.proxy', ''],
  ['http.sslVerify', 'true'],
  ['protocol.ext.allow', 'never'],
];

/**
 * Git's environment: the base environment, no prompts, no system or global config, the pinned
 * settings, and the token as an `http.<origin>/.extraHeader` given through GIT_CONFIG_COUNT/KEY/VALUE:
 * the environment form of `git -c`, which `ps` does not show to other users and which is never
 * written to a config file. The agent never sees a repository that these commands read (see prepare.ts).
 */
export function gitEnv(o: Pick<GitOptions, 'config' | 'token' | 'remoteUrl' | 'env' | 'extraEnv'>): Record<string, string> {
  const settings: [string, string][] = [...PINNED_SETTINGS];
  if (o.token) {
    const origin = o.remoteUrl && /^https?:/.test(o.remoteUrl) ? new URL(o.remoteUrl).origin : undefined;
    settings.push([origin ? `http.${origin}/.extraHeader` : 'http.extraHeader', authHeader(o.token)]);
  }
  const env: Record<string, string> = { ...buildCommandEnv(o.config, o.env), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...o.extraEnv };
  env.GIT_CONFIG_COUNT = String(settings.length);
  settings.forEach(([key, value], i) => Object.assign(env, { [`GIT_CONFIG_KEY_${i}`]: key, [`GIT_CONFIG_VALUE_${i}`]: value }));
  return env;
}

/** Runs git; a failure is a GitFailed ApplicationFailure (retryable) whose message is scrubbed of the token. */
export async function git(args: string[], o: GitOptions): Promise<{ stdout: string; exitCode: number }> {
  // Started by the helper process, at COMMAND_NICENESS: a fork from the worker itself holds its event loop (spawner.ts).
  const r = await runCommand({ file: 'git', args, cwd: o.cwd, env: gitEnv(o), timeoutMs: GIT_TIMEOUT_MS }).catch((error: Error) => {
    throw ApplicationFailure.create({ message: `git ${args[0]} did not run to its end: ${error.message}`, type: FAILURE_TYPES.gitFailed });
  });
  const exitCode = r.exitCode ?? -1;
  if (exitCode === 0 || o.okCodes?.includes(exitCode)) return { stdout: r.stdout.trim(), exitCode };
  const secrets = o.token ? [o.token, authHeader(o.token), Buffer.from(`x-access-token:${o.token}`).toString('base64')] : [];
  const output = scrub(`${r.stderr}\n${r.stdout}`.trim(), o.config, secrets).slice(-2000);
  const missing = r.code === 'ENOENT';
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
