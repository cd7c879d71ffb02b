import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../../../src/domain/search-attributes';
import { migrate } from '../../../src/infra/migrate';
import { createPool, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../../src/infra/postgres';
import { ONE_PARTITION_ARGS } from '../../../src/infra/temporal';
import { temporalCliPath } from '../../support/binaries';
import type { TestDatabase } from '../../support/database';
import { freePort } from '../../support/ports';
import { quietAfterTeardown } from '../../support/temporal';

/**
 * A Temporal dev server of the suite's own, on SQLite (`--db-filename`) and a fixed port, so it can be
 * stopped and started again mid-run with every workflow kept. The client (a connection of our own, not
 * the dev server's) reconnects by itself once the server is back.
 */
export class OwnTemporal {
  private env?: TestWorkflowEnvironment;
  private constructor(
    readonly address: string,
    readonly client: Client,
    private readonly connection: Connection,
    private readonly options: { port: number; uiPort: number; dbFilename: string; dir: string },
  ) {}

  static async start(): Promise<OwnTemporal> {
    const dir = mkdtempSync(join(tmpdir(), 'issueflow-e2e-temporal-'));
    const options = { port: await freePort(), uiPort: await freePort(), dbFilename: join(dir, 'temporal.db'), dir };
    const env = await OwnTemporal.launch(options);
    const address = `127.0.0.1:${options.port}`;
    const connection = await Connection.connect({ address, plugins: [quietAfterTeardown] });
    const own = new OwnTemporal(address, new Client({ connection }), connection, options);
    own.env = env;
    return own;
  }

  private static launch(o: { port: number; uiPort: number; dbFilename: string }): Promise<TestWorkflowEnvironment> {
    return TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        ip: '127.0.0.1',
        port: o.port,
        ui: false,
        uiPort: o.uiPort,
        dbFilename: o.dbFilename,
        searchAttributes: ISSUEFLOW_SEARCH_ATTRIBUTES,
        log: { format: 'json', level: 'error' },
        extraArgs: ONE_PARTITION_ARGS,
      },
      plugins: [quietAfterTeardown],
    });
  }

  /** Stops the dev server (its workflows stay in the SQLite file). */
  async stop(): Promise<void> {
    const env = this.env;
    this.env = undefined;
    await env?.teardown();
  }

  /** Starts the dev server again on the same port and file. */
  async start(): Promise<void> {
    if (!this.env) this.env = await OwnTemporal.launch(this.options);
  }

  /** Stops it for good and removes its file. */
  async teardown(): Promise<void> {
    await this.stop();
    await this.connection.close().catch(() => undefined);
    rmSync(this.options.dir, { recursive: true, force: true });
  }
}

/** An embedded PostgreSQL of the suite's own (own data dir and port), to stop and start mid-run. */
export class OwnPostgres implements TestDatabase {
  readonly pool;
  private handle?: EmbeddedPostgresHandle;
  private constructor(
    readonly url: string,
    handle: EmbeddedPostgresHandle,
    private readonly options: { dataDir: string; port: number },
  ) {
    this.handle = handle;
    this.pool = createPool(url, 5);
  }

  static async start(): Promise<OwnPostgres> {
    const options = { dataDir: mkdtempSync(join(tmpdir(), 'issueflow-e2e-pg-')), port: await freePort() };
    // The postgres user (when running as root) must be able to enter the folder.
    chmodSync(options.dataDir, 0o755);
    const handle = await startEmbeddedPostgres({ ...options, database: 'issueflow' });
    const own = new OwnPostgres(handle.url, handle, options);
    await migrate(own.pool);
    return own;
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.stop();
  }

  /** Starts the same cluster again (same data dir, same port). */
  async start(): Promise<void> {
    if (!this.handle) this.handle = await startEmbeddedPostgres({ ...this.options, database: 'issueflow' });
  }

  /** `TestDatabase.drop`: stops the cluster for good and removes its data dir. */
  async drop(): Promise<void> {
    await this.pool.end().catch(() => undefined);
    await this.stop();
    rmSync(this.options.dataDir, { recursive: true, force: true });
  }
}
