import { z } from 'zod';
import type { Budget } from './domain/budget';
import { ALL_REPOS } from './domain/repo-scope';

/** Agent presets the agent runner knows how to call (see src/activities/agent). */
const AGENT_PRESETS = ['claude-code', 'codex', 'gemini', 'aider', 'custom'] as const;

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
const envSchema = z.object({
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
  GITHUB_WRITES_PER_SECOND: positiveNumber(1),
  ALLOWED_REPOS: list.refine((xs) => xs.every((x) => x === ALL_REPOS || /^[\w.-]+\/[\w.-]+$/.test(x)), { message: 'must be comma-separated owner/repo names, or * for every repository' }),
  ALLOWED_OWNERS: list.refine((xs) => xs.every((x) => /^[\w.-]+$/.test(x)), { message: 'must be comma-separated user or organisation names (no slashes)' }),
  AGENT: z.enum(AGENT_PRESETS).default('claude-code'),
  AGENT_COMMAND: optional,
  AGENT_FALLBACK: z.enum(AGENT_PRESETS).optional(),
  AGENT_ENV: list,
  AGENT_CONCURRENCY: positiveInt(2),
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
  SHUTDOWN_GRACE_SECONDS: positiveInt(30),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  dataDir: string;
  embeddedPostgresPort: number;
  temporal: {
    /** Undefined means: start the embedded Temporal CLI dev server. */
    address?: string;
    namespace: string;
    taskQueue: string;
    cliPath?: string;
    uiPort: number;
    devServerPort: number;
    uiUrl?: string;
    /** host:port where the worker serves the SDK's Prometheus metrics (TEMPORAL_METRICS_BIND); off when unset. */
    metricsBindAddress?: string;
    /** Worker Versioning (a Worker Deployment Version per release), on when ISSUEFLOW_BUILD_ID is set. */
    versioning?: {
      version: { deploymentName: string; buildId: string };
      /** `auto`: a starting worker makes its version current; `manual`: only the deployment's first version, then the operator does. */
      rollout: 'auto' | 'manual';
    };
  };
  databaseUrl?: string;
  /** `proxyUrl`: a smee channel whose deliveries the API forwards to itself (WEBHOOK_PROXY_URL), for machines without a public URL. */
  webhooks: { enabled: boolean; secret?: string; proxyUrl?: string };
  github: {
    token?: string;
    appId?: string;
    appPrivateKey?: string;
    apiUrl: string;
    cloneUrlTemplate: string;
    writesPerSecond: number;
    allowedRepos: string[];
    allowedOwners: string[];
  };
  agent: {
    preset: (typeof AGENT_PRESETS)[number];
    command?: string;
    fallback?: (typeof AGENT_PRESETS)[number];
    envAllowList: string[];
    concurrency: number;
    /** An agent that prints nothing for this long is stopped (AgentTimedOut). */
    idleMinutes: number;
  };
  /** The sandbox around agent runs and repo commands (src/activities/sandbox). */
  sandbox: {
    mode: 'auto' | 'required' | 'off';
    /** Where the agent may connect besides its provider's API: host[:port], `open` or `none`. */
    agentNetworkAllow: string[];
    /** Where set-up and test commands may connect (e.g. package registries); none by default. */
    commandNetworkAllow: string[];
    /** More paths the sandboxed runs may write (caches), beside the worktree and a private HOME and TMP. */
    writable: string[];
    /** More paths the sandboxed runs must not see, beside the data dir and the usual credential files. */
    hidden: string[];
  };
  apiToken?: string;
  /** Jobs and admin API requests per minute per client. */
  apiRateLimitPerMinute: number;
  /** Where `/metrics` reads the worker's SDK metrics: TEMPORAL_METRICS_URL, else from TEMPORAL_METRICS_BIND. */
  temporalMetrics: { url?: string };
  triggerLabel: string;
  /** The budget per issue for repos whose `.github/issueflow.yml` sets none (BUDGET_USD, BUDGET_AGENT_MINUTES); undefined: none. */
  budget?: Budget;
  notify: { url?: string; secret?: string };
  logRetentionDays: number;
  shutdownGraceSeconds: number;
}

/** Thrown when the environment is invalid; `message` is one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once, at start-up. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(value.slice(0, 40))}`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (${shown}).`);
  }
  const e = parsed.data;
  const webhooksEnabled = e.ISSUEFLOW_WEBHOOKS === 'on' || (e.ISSUEFLOW_WEBHOOKS === 'auto' && !!e.GITHUB_WEBHOOK_SECRET);
  if (webhooksEnabled && !e.GITHUB_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration: GITHUB_WEBHOOK_SECRET is required when webhooks are enabled (ISSUEFLOW_WEBHOOKS=on); set it to the secret of your GitHub webhook or App.',
    );
  }
  if (e.WEBHOOK_PROXY_URL && !webhooksEnabled) {
    throw new ConfigError('Invalid configuration: WEBHOOK_PROXY_URL forwards webhooks, so GITHUB_WEBHOOK_SECRET is required with it (the secret of your GitHub App or webhook).');
  }
  if (e.GITHUB_APP_ID && !e.GITHUB_APP_PRIVATE_KEY) {
    throw new ConfigError('Invalid configuration: GITHUB_APP_PRIVATE_KEY is required when GITHUB_APP_ID is set.');
  }
  if (e.AGENT === 'custom' && !e.AGENT_COMMAND) {
    throw new ConfigError('Invalid configuration: AGENT_COMMAND is required when AGENT=custom (a command template with {prompt_file}, {workdir}, {mode}).');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir: e.ISSUEFLOW_DATA_DIR,
    embeddedPostgresPort: e.ISSUEFLOW_EMBEDDED_PG_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      uiPort: e.TEMPORAL_UI_PORT,
      devServerPort: e.TEMPORAL_DEV_SERVER_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? (e.TEMPORAL_ADDRESS ? undefined : `http://localhost:${e.TEMPORAL_UI_PORT}`),
      metricsBindAddress: e.TEMPORAL_METRICS_BIND,
      versioning: e.ISSUEFLOW_BUILD_ID
        ? { version: { deploymentName: e.ISSUEFLOW_DEPLOYMENT_NAME ?? e.TEMPORAL_TASK_QUEUE.replace(/\./g, '-'), buildId: e.ISSUEFLOW_BUILD_ID }, rollout: e.ISSUEFLOW_VERSION_ROLLOUT }
        : undefined,
    },
    databaseUrl: e.DATABASE_URL,
    webhooks: { enabled: webhooksEnabled, secret: e.GITHUB_WEBHOOK_SECRET, proxyUrl: e.WEBHOOK_PROXY_URL },
    github: {
      token: e.GITHUB_TOKEN,
      appId: e.GITHUB_APP_ID,
      appPrivateKey: e.GITHUB_APP_PRIVATE_KEY,
      apiUrl: e.GITHUB_API_URL,
      cloneUrlTemplate: e.GIT_CLONE_URL,
      writesPerSecond: e.GITHUB_WRITES_PER_SECOND,
      allowedRepos: e.ALLOWED_REPOS,
      allowedOwners: e.ALLOWED_OWNERS,
    },
    agent: {
      preset: e.AGENT,
      command: e.AGENT_COMMAND,
      fallback: e.AGENT_FALLBACK,
      envAllowList: e.AGENT_ENV,
      concurrency: e.AGENT_CONCURRENCY,
      idleMinutes: e.AGENT_IDLE_MINUTES,
    },
    sandbox: {
      mode: e.ISSUEFLOW_SANDBOX,
      agentNetworkAllow: e.AGENT_NETWORK_ALLOW,
      commandNetworkAllow: e.COMMAND_NETWORK_ALLOW,
      writable: e.SANDBOX_WRITABLE,
      hidden: e.SANDBOX_HIDE,
    },
    apiToken: e.ISSUEFLOW_API_TOKEN,
    apiRateLimitPerMinute: e.ISSUEFLOW_API_RATE_LIMIT,
    temporalMetrics: {
      url: e.TEMPORAL_METRICS_URL ?? (e.TEMPORAL_METRICS_BIND ? `http://${e.TEMPORAL_METRICS_BIND.replace(/^0\.0\.0\.0/, '127.0.0.1')}/metrics` : undefined),
    },
    triggerLabel: e.TRIGGER_LABEL,
    budget: e.BUDGET_USD === undefined && e.BUDGET_AGENT_MINUTES === undefined ? undefined : { usd: e.BUDGET_USD, agentMinutes: e.BUDGET_AGENT_MINUTES },
    notify: { url: e.NOTIFY_URL, secret: e.NOTIFY_SECRET },
    logRetentionDays: e.LOG_RETENTION_DAYS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
  };
}

/**
 * For `start`, `worker` and `api`: a GitHub App is installed by whoever chooses to, so it must be told
 * whose repositories it serves (a token reaches only what its user can, hence no such rule for it).
 */
export function requireRepoScope(config: Config): void {
  const { appId, allowedRepos, allowedOwners } = config.github;
  if (appId && !allowedRepos.length && !allowedOwners.length) {
    throw new ConfigError(
      'Invalid configuration: ALLOWED_REPOS or ALLOWED_OWNERS is required with a GitHub App (GITHUB_APP_ID): list the repositories (owner/repo) or owners it serves, or set ALLOWED_REPOS=* to serve every installation.',
    );
  }
}

/** Whether ALLOWED_REPOS=* opens issueflow to every repository that reaches it (worth a warning at start). */
export function servesEveryRepo(config: Config): boolean {
  return config.github.allowedRepos.includes(ALL_REPOS);
}

/** Values that must never reach logs, comments, errors or the agent's environment. */
export function secretValues(config: Config): string[] {
  return [config.webhooks.secret, config.webhooks.proxyUrl, config.github.token, config.github.appPrivateKey, config.apiToken, config.databaseUrl, config.notify.secret].filter(
    (v): v is string => !!v && v.length >= 4,
  );
}
