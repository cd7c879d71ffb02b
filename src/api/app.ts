import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { healthRoutes } from './routes/health';
import type { HealthCheck } from './health-checks';
import { errorHandler } from './errors';

/** What the HTTP API needs from the rest of issueflow; built in src/worker or src/cli, never here. */
export interface AppDeps {
  logger: Logger;
  checks: HealthCheck[];
  /** Further route plugins (webhooks, jobs, admin, metrics), registered by their own modules. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  bodyLimitBytes?: number;
}

/** Builds the Fastify app without listening, so tests use `app.inject` on the real thing. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? 25 * 1024 * 1024,
    disableRequestLogging: false,
  });
  app.setErrorHandler(errorHandler);
  await app.register(healthRoutes, { checks: deps.checks });
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
