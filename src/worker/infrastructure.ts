import type { Config } from '../config';
import type { Logger } from '../logger';
import { forgetChildren, recordChildren, stopOrphans } from '../infra/orphans';
import { requireFreePorts, type PortClaim } from '../infra/ports';
import { startEmbeddedPostgres } from '../infra/postgres';
import { externalTemporal, startEmbeddedTemporal, type TemporalTarget } from '../infra/temporal';

/** Where the database and Temporal are: embedded children of this process, or joined by configuration. */
export interface Infrastructure {
  databaseUrl: string;
  temporal: TemporalTarget;
  embedded: { postgres: boolean; temporal: boolean };
  /** Stops the embedded children, the database last. */
  stop(): Promise<void>;
}

/**
 * Starts embedded PostgreSQL and the Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set.
 * First it stops what a killed earlier start left in the data dir, then checks that every port it and
 * `alsoListening` (the API) will open is free, so a taken port is one line naming its variable.
 */
export async function startInfrastructure(config: Config, logger: Logger, alsoListening: PortClaim[] = []): Promise<Infrastructure> {
  const embedded = { postgres: !config.databaseUrl, temporal: !config.temporal.address };
  if (embedded.postgres || embedded.temporal) await stopOrphans(config.dataDir, logger);
  await requireFreePorts([
    ...alsoListening,
    ...(embedded.temporal
      ? [
          { port: config.temporal.devServerPort, host: '127.0.0.1', variable: 'TEMPORAL_DEV_SERVER_PORT' },
          { port: config.temporal.uiPort, host: '127.0.0.1', variable: 'TEMPORAL_UI_PORT' },
        ]
      : []),
    ...(embedded.postgres ? [{ port: config.embeddedPostgresPort, host: '127.0.0.1', variable: 'ISSUEFLOW_EMBEDDED_PG_PORT' }] : []),
  ]);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      logger.info({ dataDir: config.dataDir, port: config.embeddedPostgresPort }, 'starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort });
      stops.unshift(pg.stop);
      recordChildren(config.dataDir);
      databaseUrl = pg.url;
    }
    let temporal: TemporalTarget;
    if (config.temporal.address) {
      temporal = externalTemporal(config);
    } else {
      logger.info({ dataDir: config.dataDir, uiPort: config.temporal.uiPort }, 'starting the Temporal dev server');
      temporal = await startEmbeddedTemporal(config);
      stops.unshift(temporal.stop);
      recordChildren(config.dataDir);
    }
    const stopAll = async () => {
      await runInOrder(stops, logger);
      if (embedded.postgres || embedded.temporal) forgetChildren(config.dataDir);
    };
    return { databaseUrl, temporal, embedded, stop: stopAll };
  } catch (error) {
    await runInOrder(stops, logger);
    throw error;
  }
}

/** For `issueflow worker` / `issueflow api`, which scale out separately and so must join shared infrastructure. */
export function requireSharedInfrastructure(config: Config, command: string): void {
  const missing = [!config.temporal.address && 'TEMPORAL_ADDRESS', !config.databaseUrl && 'DATABASE_URL'].filter(Boolean);
  if (missing.length) {
    throw new Error(`issueflow ${command} joins a shared Temporal server and database: set ${missing.join(' and ')} (or run \`issueflow start\` for the all-in-one embedded setup).`);
  }
}

async function runInOrder(stops: Array<() => Promise<void>>, logger: Logger): Promise<void> {
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      logger.warn({ err: error }, 'stopping an embedded part failed');
    }
  }
}
