import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../types';

/** The failure type of retryable GitHub trouble (5xx, network errors, time-outs). */
export const GITHUB_UNAVAILABLE = 'GithubUnavailable';

/** What a failed call was doing, to say what to fix. */
export interface GithubCallContext {
  /** "create a comment on octo/app#3" */
  action: string;
  /** The permission the call needs, e.g. "Issues: read and write". */
  permission?: string;
  /** The message for a 404, when a more helpful one is known. */
  notFound?: string;
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** The status of an Octokit RequestError, or undefined for anything else. */
export function githubStatus(err: unknown): number | undefined {
  const status = (err as HttpError | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Milliseconds to wait before retrying a rate-limited call, or undefined when it is not a rate limit. */
export function rateLimitDelayMs(status: number, headers: Record<string, string | number | undefined>, message: string, nowMs = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) return Math.max(1, retryAfter) * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    // One second of leeway: the reset is whole seconds and clocks differ a little.
    if (Number.isFinite(reset)) return Math.max(1000, reset * 1000 - nowMs + 1000);
    return 60_000;
  }
  // GitHub: without headers, wait at least a minute after a secondary rate limit.
  if (status === 429 || /secondary rate limit|abuse/i.test(message)) return 60_000;
  return undefined;
}

/** Turns an Octokit error into the ApplicationFailure the workflow understands; never includes credentials. */
export function toGithubFailure(err: unknown, ctx: GithubCallContext): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const status = githubStatus(err);
  const e = (err ?? {}) as HttpError;
  const detail = githubMessage(e);
  if (status === undefined || status >= 500) {
    return ApplicationFailure.retryable(`GitHub did not answer (${status ?? 'network error'}) while trying to ${ctx.action}: ${detail}`, GITHUB_UNAVAILABLE);
  }
  const delay = rateLimitDelayMs(status, e.response?.headers ?? {}, detail);
  if (delay !== undefined) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.githubRateLimited,
      nonRetryable: false,
      nextRetryDelay: delay,
      message: `GitHub rate limit hit while trying to ${ctx.action}; retrying in ${Math.ceil(delay / 1000)} s.`,
    });
  }
  const fail = (type: string, message: string) => ApplicationFailure.create({ type, nonRetryable: true, message });
  switch (status) {
    case 401:
      return fail(FAILURE_TYPES.githubUnauthorized, `GitHub rejected the credentials (401) while trying to ${ctx.action}: check GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY.`);
    case 403:
      return fail(FAILURE_TYPES.githubForbidden, `GitHub refused to ${ctx.action} (403: ${detail}). Give the token or the App ${ctx.permission ? `the "${ctx.permission}" permission` : 'access'} on this repository.`);
    case 404:
      return fail(FAILURE_TYPES.githubNotFound, ctx.notFound ?? `Could not ${ctx.action}: not found (404). Check that it exists and that the token or App can see the repository.`);
    default:
      return fail(FAILURE_TYPES.githubInvalid, `GitHub rejected the request to ${ctx.action} (${status}: ${detail}).`);
  }
}

function githubMessage(e: HttpError): string {
  const data = e.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> } | undefined;
  const errors = (data?.errors ?? []).map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' ')).filter(Boolean);
  const text = [data?.message ?? e.message ?? 'unknown error', ...errors].join('; ');
  // Error texts may echo a URL; never let a token in a query string through.
  return text.replace(/(access_token|token)=[^&\s]+/gi, '$1=[redacted]').slice(0, 500);
}

/** Runs one GitHub call, translating its failure. */
export async function githubCall<T>(ctx: GithubCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGithubFailure(err, ctx);
  }
}
