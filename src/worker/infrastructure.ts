import type { Config } from '../config';
import type { Logger } from '../logger';
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

/** Starts embedded PostgreSQL and the Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set. */
export async function startInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      logger.info({ dataDir: config.dataDir, port: config.embeddedPostgresPort }, 'starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort });
      stops.unshift(pg.stop);
      databaseUrl = pg.url;
    }
    let temporal: TemporalTarget;
    if (config.temporal.address) {
      temporal = externalTemporal(config);
    } else {
      logger.info({ dataDir: config.dataDir, uiPort: config.temporal.uiPort }, 'starting the Temporal dev server');
      temporal = await startEmbeddedTemporal(config);
      stops.unshift(temporal.stop);
    }
    return {
      databaseUrl,
      temporal,
      embedded: { postgres: !config.databaseUrl, temporal: !config.temporal.address },
      stop: () => runInOrder(stops, logger),
    };
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
