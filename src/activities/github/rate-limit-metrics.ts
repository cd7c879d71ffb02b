import { Gauge, Registry } from 'prom-client';

/**
 * GitHub's primary rate limit as its last answer told it (`x-ratelimit-*`), per credentials (`token`,
 * `app <id>`, `installation <id>`: never the token itself) and resource (`core`, `search`, ...). A
 * registry of the process that calls GitHub: `issueflow start` and `issueflow api` show it at `/metrics`.
 */
export const githubMetrics = new Registry();

const labelNames = ['credentials', 'resource'] as const;
const remaining = new Gauge({ name: 'issueflow_github_rate_limit_remaining', help: 'Requests left in the GitHub rate-limit window, from the last answer.', labelNames, registers: [githubMetrics] });
const limit = new Gauge({ name: 'issueflow_github_rate_limit_limit', help: 'Requests allowed in the GitHub rate-limit window.', labelNames, registers: [githubMetrics] });
const reset = new Gauge({ name: 'issueflow_github_rate_limit_reset_seconds', help: 'When the GitHub rate-limit window resets, in Unix seconds.', labelNames, registers: [githubMetrics] });

type Headers = Record<string, string | number | undefined>;

const number = (v: string | number | undefined): number | undefined => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

/** Records the rate limit an answer's headers announce; an answer without them (a redirect, a stand-in) changes nothing. */
export function recordRateLimit(credentials: string, headers: Headers | undefined): void {
  const left = number(headers?.['x-ratelimit-remaining']);
  const max = number(headers?.['x-ratelimit-limit']);
  if (left === undefined || max === undefined) return;
  const labels = { credentials, resource: String(headers?.['x-ratelimit-resource'] ?? 'core') };
  remaining.set(labels, left);
  limit.set(labels, max);
  const at = number(headers?.['x-ratelimit-reset']);
  if (at !== undefined) reset.set(labels, at);
}
