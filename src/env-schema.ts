// Every environment variable issueflow reads, as one zod schema: the types and defaults loadConfig (config.ts) maps into Config.
import { z } from 'zod';
import { ALL_REPOS } from './domain/repo-scope';

/** Agent presets the agent runner knows how to call (see src/activities/agent). */
export const AGENT_PRESETS = ['claude-code', 'codex', 'gemini', 'aider', 'custom'] as const;

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, {
      message: 'must be a port number from 1 to 65535',
    })
    .transform(Number);

const positiveInt = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((v) => /^\d+$/.test(v) && Number(v) > 0, { message: 'must be a positive whole number' })
    .transform(Number);

const positiveNumber = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((v) => Number.isFinite(Number(v)) && Number(v) > 0, { message: 'must be a positive number' })
    .transform(Number);

/** A positive number, or unset (empty is unset). */
const optionalPositive = z
  .string()
  .optional()
  .refine((v) => v === undefined || v.trim() === '' || (Number.isFinite(Number(v)) && Number(v) > 0), { message: 'must be a positive number' })
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : Number(v)));

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const url = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v))
  .refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' });

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/** `host`, `host:port` or `[v6]:port` in a network allow-list, or the words `open` and `none`. */
const allowList = list.refine((entries) => entries.every((e) => /^(open|none|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[A-Za-z0-9.-]+(:\d{1,5})?)$/.test(e)), {
  message: 'must be a comma-separated list of host or host:port, or open, or none',
});

/** Absolute paths only: the sandbox mounts them as they are. */
const pathList = list.refine((paths) => paths.every((p) => p.startsWith('/')), { message: 'must be a comma-separated list of absolute paths' });

/** Every environment variable issueflow reads; `.env.example` documents each one. */
export const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ISSUEFLOW_DATA_DIR: z.string().default('./.issueflow'),
  ISSUEFLOW_EMBEDDED_PG_PORT: port(54329),
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('issueflow'),
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_DEV_SERVER_PORT: port(7233),
  TEMPORAL_UI_URL: url,
  DATABASE_URL: url,
  ISSUEFLOW_WEBHOOKS: z.enum(['auto', 'on', 'off']).default('auto'),
  GITHUB_WEBHOOK_SECRET: optional,
  WEBHOOK_PROXY_URL: url,
  GITHUB_TOKEN: optional,
  GITHUB_APP_ID: optional,
  GITHUB_APP_PRIVATE_KEY: optional,
  GITHUB_API_URL: url.transform((v) => v ?? 'https://api.github.com'),
  GIT_CLONE_URL: z.string().default('https://github.com/{owner}/{repo}.git'),
  /** Deprecated: the write budget is GITHUB_WRITES_PER_MINUTE and GITHUB_WRITES_PER_HOUR; accepted, ignored, warned about at start. */
  GITHUB_WRITES_PER_SECOND: positiveNumber(1),
  GITHUB_WRITES_PER_MINUTE: positiveInt(80),
  GITHUB_WRITES_PER_HOUR: positiveInt(500),
  ALLOWED_REPOS: list.refine((xs) => xs.every((x) => x === ALL_REPOS || /^[\w.-]+\/[\w.-]+$/.test(x)), { message: 'must be comma-separated owner/repo names, or * for every repository' }),
  ALLOWED_OWNERS: list.refine((xs) => xs.every((x) => /^[\w.-]+$/.test(x)), { message: 'must be comma-separated user or organisation names (no slashes)' }),
  AGENT: z.enum(AGENT_PRESETS).default('claude-code'),
  AGENT_COMMAND: optional,
  AGENT_FALLBACK: z.enum(AGENT_PRESETS).optional(),
  AGENT_ENV: list,
  AGENT_CONCURRENCY: positiveInt(2),
  WORKFLOW_CACHE_SIZE: optional.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 2), { message: 'must be a whole number of at least 2 (the Temporal SDK\'s least workflow cache)' }),
  AGENT_IDLE_MINUTES: positiveNumber(2),
  ISSUEFLOW_SANDBOX: z.enum(['auto', 'required', 'off']).default('auto'),
  AGENT_NETWORK_ALLOW: allowList,
  COMMAND_NETWORK_ALLOW: allowList,
  SANDBOX_WRITABLE: pathList,
  SANDBOX_HIDE: pathList,
  ISSUEFLOW_API_TOKEN: optional,
  ISSUEFLOW_API_RATE_LIMIT: positiveInt(300),
  TEMPORAL_METRICS_BIND: optional,
  ISSUEFLOW_BUILD_ID: optional.refine((v) => v === undefined || (v.length <= 255 && !/\s/.test(v)), { message: 'must be at most 255 characters without spaces' }),
  ISSUEFLOW_DEPLOYMENT_NAME: optional.refine((v) => v === undefined || /^[\w-]{1,255}$/.test(v), { message: 'must be letters, digits, - and _ (no dots)' }),
  ISSUEFLOW_VERSION_ROLLOUT: z.enum(['auto', 'manual']).default('auto'),
  TEMPORAL_METRICS_URL: url,
  TRIGGER_LABEL: z.string().min(1).default('agent'),
  BUDGET_USD: optionalPositive,
  BUDGET_AGENT_MINUTES: optionalPositive,
  NOTIFY_URL: url,
  NOTIFY_SECRET: optional,
  LOG_RETENTION_DAYS: positiveInt(7),
  REWIND_STUCK: z.enum(['on', 'off']).default('on'),
  SHUTDOWN_GRACE_SECONDS: positiveInt(30),
});

export type Env = z.input<typeof envSchema>;

