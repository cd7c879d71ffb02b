import { z } from 'zod';

const optionalInt = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
  .refine((v) => v === undefined || /^\d+$/.test(v), { message: 'must be a whole number' })
  .transform((v) => (v === undefined ? undefined : Number(v)));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Environment the HTTP API reads beyond src/config.ts:
 * - GITHUB_APP_USER_ID: issueflow's GitHub user id (the token's user, or the App's bot user). Assigning
 *   an issue to it starts work; its own comments are never read as commands. Find it with
 *   `gh api /users/<login> --jq .id` (an App's bot user is `<app-slug>[bot]`).
 * - GITHUB_APP_LOGIN: the same user's login, used for assignment when the id is not set.
 * - TEMPORAL_METRICS_URL: the worker's Prometheus endpoint (`Runtime.install({ telemetryOptions: { metrics:
 *   { prometheus: { bindAddress } } } })`, e.g. http://127.0.0.1:9464/metrics); `/metrics` appends it.
 * - ISSUEFLOW_API_RATE_LIMIT: requests per minute per client on the jobs and admin API (default 300).
 */
const apiEnvSchema = z.object({
  GITHUB_APP_USER_ID: optionalInt,
  GITHUB_APP_LOGIN: optionalText,
  GITHUB_APP_ID: optionalInt,
  TEMPORAL_METRICS_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
    .refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' }),
  ISSUEFLOW_API_RATE_LIMIT: optionalInt,
});

export interface ApiOptions {
  appUserId?: number;
  appLogin?: string;
  appId?: number;
  temporalMetricsUrl?: string;
  rateLimitPerMinute: number;
}

/** Reads the API's own variables; a bad value throws one line that names the variable. */
export function loadApiOptions(env: Record<string, string | undefined> = process.env): ApiOptions {
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${String(issue.path[0])} ${issue.message}.`);
  }
  const e = parsed.data;
  return {
    appUserId: e.GITHUB_APP_USER_ID,
    appLogin: e.GITHUB_APP_LOGIN,
    appId: e.GITHUB_APP_ID,
    temporalMetricsUrl: e.TEMPORAL_METRICS_URL,
    rateLimitPerMinute: e.ISSUEFLOW_API_RATE_LIMIT ?? 300,
  };
}
