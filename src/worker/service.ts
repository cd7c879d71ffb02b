import { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { buildApp } from '../api/app';
import { databaseCheck, migrationsCheck, namespaceCheck, temporalCheck } from '../api/health-checks';
import { ApiMetrics } from '../api/metrics';
import { githubMetrics } from '../activities/github/rate-limit-metrics';
import { startWebhookProxy } from '../api/webhook-proxy';
import { ensureRetentionSchedule, ensureRewindSchedule, removeRewindSchedule } from '../api/schedules';
import { createPool } from '../infra/postgres';
import { migrate } from '../infra/migrate';
import { connectClient, connectWorker, ensureSearchAttributes } from '../infra/temporal';
import { createActivities } from '../activities';
import { checkSandboxAtStart } from '../activities/sandbox';
import { createOctokitFactory } from '../activities/github';
import { learnGithubIdentity } from './github-identity';
import { startInfrastructure, type Infrastructure } from './infrastructure';
import { installTemporalRuntime } from './temporal-runtime';
import { createWorkers, workerWorkflowCode } from './workers';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { promoteDeploymentVersion } from './deployment-version';
import { workerHostId } from './host-id';
import { hostQueues } from '../domain/host-queues';

export interface Service {
  apiUrl?: string;
  temporalUiUrl?: string;
  infrastructure: Infrastructure;
  /** Stops in order: HTTP first, then workers (in-flight activities get the grace period), then infrastructure. */
  stop(): Promise<void>;
}

/**
 * Assembles issueflow: the infrastructure (embedded or joined), migrations, the workers and/or the
 * HTTP API. This and src/worker/* are the only places that build pools and connections.
 */
export async function startService(config: Config, logger: Logger, parts: { api: boolean; worker: boolean }): Promise<Service> {
  if (parts.worker) checkSandboxAtStart(config, logger);
  installTemporalRuntime(logger, parts.worker ? config.temporal.metricsBindAddress : undefined);
  // Before anything starts: wrong GitHub credentials stop the start here, naming the call that failed.
  const octokits = createOctokitFactory({ config });
  const identity = await learnGithubIdentity(config.github, octokits, logger);
  const infrastructure = await startInfrastructure(config, logger, parts.api ? [{ port: config.port, host: config.host, variable: 'PORT' }] : []);
  const cleanups: Array<() => Promise<void>> = [() => infrastructure.stop()];
  const stop = async () => {
    for (const c of cleanups) {
      try {
        await c();
      } catch (error) {
        logger.warn({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    const pool = createPool(infrastructure.databaseUrl);
    cleanups.unshift(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length) logger.info({ applied }, 'database migrations applied');

    const connection = await connectClient(infrastructure.temporal);
    cleanups.unshift(() => connection.close());
    if (!infrastructure.embedded.temporal) {
      const warning = await ensureSearchAttributes(connection, config.temporal.namespace);
      if (warning) logger.warn(warning);
    }

    if (parts.worker) {
      const nativeConnection = await connectWorker(infrastructure.temporal);
      const hostId = workerHostId(config.dataDir);
      // The rewind sweep replays with the workflow worker's own code; bundled only when a history needs it.
      let code: Promise<{ workflowBundle: WorkflowBundleOption }> | undefined;
      const rewind = { client: new Client({ connection, namespace: config.temporal.namespace }), workflowCode: () => (code ??= workerWorkflowCode().then((workflowBundle) => ({ workflowBundle }))) };
      const workers = await createWorkers({ config, logger, connection: nativeConnection, hostId, activities: createActivities({ config, logger, pool, octokits, hostId, rewind }) });
      logger.info({ hostId, queues: hostQueues(config.temporal.taskQueue, hostId) }, 'worker host id');
      const running = workers.run();
      running.catch((error) => logger.error({ err: error }, 'worker stopped with an error'));
      cleanups.unshift(async () => {
        workers.shutdown();
        await running.catch(() => undefined);
        await nativeConnection.close();
      });
      await promoteDeploymentVersion(config.temporal, connection, workers.taskQueues, logger);
    }

    let apiUrl: string | undefined;
    if (parts.api) {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      await ensureRetentionSchedule(client, { taskQueue: config.temporal.taskQueue, retentionDays: config.logRetentionDays });
      if (config.rewindStuck) await ensureRewindSchedule(client, { taskQueue: config.temporal.taskQueue });
      else await removeRewindSchedule(client);
      const app = await buildApp({
        logger,
        checks: [temporalCheck(connection), namespaceCheck(connection, config.temporal.namespace), databaseCheck(pool), migrationsCheck(pool)],
        services: { client, pool, config, identity, metrics: new ApiMetrics({ defaultMetrics: true, others: [githubMetrics] }) },
      });
      await app.listen({ port: config.port, host: config.host });
      cleanups.unshift(() => app.close());
      apiUrl = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
      if (config.webhooks.proxyUrl) {
        const local = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/webhooks/github`;
        const proxy = await startWebhookProxy({ source: config.webhooks.proxyUrl, target: local, logger });
        cleanups.unshift(() => proxy.stop());
      }
    }
    return { apiUrl, temporalUiUrl: infrastructure.temporal.uiUrl, infrastructure, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
