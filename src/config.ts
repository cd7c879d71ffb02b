import { AGENT_PRESETS, envSchema } from './env-schema';
import type { Budget } from './domain/budget';
import { ALL_REPOS } from './domain/repo-scope';

export { type Env } from './env-schema';

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
    /** Issue workflows a worker keeps in memory (WORKFLOW_CACHE_SIZE); one evicted replays its history on its next event. */
    workflowCacheSize: number;
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
    /** Content-generating writes per installation (or token), shared by every worker: GitHub's 80 a minute and 500 an hour. */
    writeLimits: { perMinute: number; perHour: number };
    /** Set when the deprecated GITHUB_WRITES_PER_SECOND is: worth a warning at start. */
    writesPerSecondIgnored?: boolean;
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
  rewindStuck: boolean; // REWIND_STUCK (src/activities/rewind.ts)
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
      // Ten per agent slot: the issues busy at once (an agent run, its tests, its writes), not those waiting for people.
      workflowCacheSize: e.WORKFLOW_CACHE_SIZE ? Number(e.WORKFLOW_CACHE_SIZE) : 10 * e.AGENT_CONCURRENCY,
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
      writeLimits: { perMinute: e.GITHUB_WRITES_PER_MINUTE, perHour: e.GITHUB_WRITES_PER_HOUR },
      ...(env.GITHUB_WRITES_PER_SECOND !== undefined ? { writesPerSecondIgnored: true } : {}),
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
    logRetentionDays: e.LOG_RETENTION_DAYS, rewindStuck: e.REWIND_STUCK === 'on',
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
