import rateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { rateLimitOptions, requireBearer } from '../../bearer-auth';
import type { LogNotifier } from '../../log-notifier';
import type { ApiMetrics } from '../../metrics';
import { jobEventsRoute } from './events';
import { jobRoutes } from './job';
import { jobLogsRoute } from './logs';
import { listJobsRoute } from './list';

export interface JobsRoutesOptions {
  client: Client;
  pool: Pool;
  apiToken?: string;
  metrics: ApiMetrics;
  notifier: LogNotifier;
  rateLimitPerMinute: number;
  events?: { pollMs?: number; heartbeatMs?: number };
}

/** `/jobs`: issue workflows for operators and the CLI, behind the bearer token and a rate limit. Register with `prefix: '/jobs'`. */
export const jobsRoutes: FastifyPluginAsync<JobsRoutesOptions> = async (app, o) => {
  await app.register(rateLimit, rateLimitOptions(o.rateLimitPerMinute));
  requireBearer(app, o.apiToken);
  await app.register(listJobsRoute, { client: o.client });
  await app.register(jobRoutes, { client: o.client, metrics: o.metrics });
  await app.register(jobLogsRoute, { pool: o.pool });
  await app.register(jobEventsRoute, { client: o.client, pool: o.pool, notifier: o.notifier, ...o.events });
};
