import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { apiOptionsFrom, type ApiOptions } from './api-options';
import { apiError, errorHandler } from './errors';
import type { HealthCheck } from './health-checks';
import { LogNotifier } from './log-notifier';
import { ApiMetrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { dashboardRoutes } from './routes/dashboard';
import { healthRoutes } from './routes/health';
import { jobsRoutes } from './routes/jobs';
import { metricsRoutes } from './routes/metrics';
import { webhookRoutes } from './routes/webhooks';

/** What the webhook, jobs, admin and metrics routes need; built in src/worker or src/cli, never here. */
export interface ApiServices {
  client: Client;
  pool: Pool;
  config: Config;
  /** issueflow's own GitHub user, learned at start; webhooks by it are never input. */
  identity?: { id: number };
  /** Overrides what the routes read of the config (tests); from `config` and `identity` when absent. */
  api?: ApiOptions;
  metrics?: ApiMetrics;
  /** Event stream timing, shortened by tests. */
  events?: { pollMs?: number; heartbeatMs?: number };
  /** The sweep of webhook deliveries recorded but not acted on: its period and the claims' lease (tests shorten them). */
  sweep?: { everyMs?: number; leaseMs?: number };
}

/** What the HTTP API needs from the rest of issueflow; built in src/worker or src/cli, never here. */
export interface AppDeps {
  logger: Logger;
  checks: HealthCheck[];
  /** Without services only `/health`, `/docs` and `deps.plugins` are served (e.g. while Temporal starts). */
  services?: ApiServices;
  /** Further route plugins, registered by their own modules. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  bodyLimitBytes?: number;
}

/**
 * Every route but the webhook (GitHub's 25 MB, set on its route) takes small JSON. Fastify refuses a
 * larger Content-Length before reading the body, and stops reading a chunked one at the limit.
 */
export const API_BODY_LIMIT = 1024 * 1024;

/** Builds the Fastify app without listening, so tests use `app.inject` on the real thing. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? API_BODY_LIMIT,
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}; see /docs.`)));
  await app.register(swagger, {
    openapi: {
      info: { title: 'issueflow', version: '0.1.0', description: 'GitHub webhooks in; one Temporal workflow per issue; jobs API for operators.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'ISSUEFLOW_API_TOKEN' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes, { checks: deps.checks });
  if (deps.services) await registerServices(app, deps.services);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}

async function registerServices(app: FastifyInstance, s: ApiServices): Promise<void> {
  const api = s.api ?? apiOptionsFrom(s.config, s.identity);
  const metrics = s.metrics ?? new ApiMetrics();
  const notifier = new LogNotifier(s.pool);
  app.addHook('onClose', async () => notifier.close());
  if (s.config.webhooks.enabled) await app.register(webhookRoutes, { client: s.client, pool: s.pool, config: s.config, api, metrics, sweep: s.sweep });
  const limit = api.rateLimitPerMinute;
  await app.register(jobsRoutes, { prefix: '/jobs', client: s.client, pool: s.pool, apiToken: s.config.apiToken, metrics, notifier, rateLimitPerMinute: limit, events: s.events });
  await app.register(adminRoutes, { prefix: '/admin', pool: s.pool, apiToken: s.config.apiToken, rateLimitPerMinute: limit });
  await app.register(metricsRoutes, { metrics, temporalMetricsUrl: api.temporalMetricsUrl });
  const temporal = s.config.temporal;
  await app.register(dashboardRoutes, { client: s.client, apiToken: s.config.apiToken, rateLimitPerMinute: limit, temporalUiUrl: temporal.uiUrl, namespace: temporal.namespace });
}
