import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { encodeSearchAttributeIndexedValueType } from './temporal-internals';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { temporalCliExecutable, temporalCliHelp } from './temporal-binary';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS / API key for Temporal Cloud, from the envconfig conventions (TEMPORAL_TLS_*, TEMPORAL_API_KEY, profiles). */
  connectionOptions: Omit<ReturnType<typeof loadClientConnectConfig>['connectionOptions'], 'address'>;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * One partition per task queue (the dev server's default is 4). A single server has nothing to spread a queue's
 * partitions over; with four, a task and the poll that takes it may land on different ones and be forwarded between
 * them. In the issue-flow bench (20 issues at once, three alternated pairs) the first workflow task was picked up
 * 67-185 ms after the start instead of 138-225, and the first reaction p50 went 533, 540, 629 -> 394, 525, 525 ms.
 */
export const ONE_PARTITION_ARGS = ['--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1', '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1'];

/**
 * The embedded dev server's partition arguments for `dataDir`: one partition for a database created with them (the
 * file `temporal.partitions` beside it says so), the default four for one an older issueflow created. Tasks it left
 * waiting in partitions 1-3 (an activity scheduled while the worker was down) would never be read with one.
 */
export function devServerPartitionArgs(dataDir: string): string[] {
  const marker = join(dataDir, 'temporal.partitions');
  if (!existsSync(join(dataDir, 'temporal.db')) && !existsSync(marker)) writeFileSync(marker, '1\n');
  return existsSync(marker) ? ONE_PARTITION_ARGS : [];
}

/**
 * Starts the Temporal CLI dev server as a child process: SQLite in `<dataDir>/temporal.db` so
 * workflows survive a restart, the Web UI on `uiPort`, issueflow's search attributes registered.
 */
export async function startEmbeddedTemporal(config: Config): Promise<TemporalTarget> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const executable = temporalCliExecutable(config.temporal.cliPath, join(dataDir, 'downloads'));
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: '127.0.0.1',
        port: config.temporal.devServerPort,
        ui: true,
        uiPort: config.temporal.uiPort,
        dbFilename: join(dataDir, 'temporal.db'),
        namespace: config.temporal.namespace,
        searchAttributes: ISSUEFLOW_SEARCH_ATTRIBUTES,
        log: { format: 'json', level: 'error' },
        extraArgs: devServerPartitionArgs(dataDir),
      },
    });
  } catch (error) {
    throw new Error(temporalCliHelp(error));
  }
  return {
    address: env.address,
    namespace: config.temporal.namespace,
    connectionOptions: {},
    uiUrl: config.temporal.uiUrl,
    stop: () => env.teardown(),
  };
}

/** An existing cluster (self-hosted or Temporal Cloud) named by TEMPORAL_ADDRESS and the envconfig variables. */
export function externalTemporal(config: Config, env: Record<string, string | undefined> = process.env): TemporalTarget {
  const loaded = loadClientConnectConfig({ disableFile: !env.TEMPORAL_CONFIG_FILE, overrideEnvVars: definedOnly(env) });
  const { address: _ignored, ...connectionOptions } = loaded.connectionOptions;
  return {
    address: config.temporal.address!,
    namespace: config.temporal.namespace,
    connectionOptions,
    uiUrl: config.temporal.uiUrl,
    stop: async () => undefined,
  };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function connectClient(target: TemporalTarget): Promise<Connection> {
  return Connection.connect({ address: target.address, ...(target.connectionOptions as object) });
}

export function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address, ...(target.connectionOptions as object) });
}

/**
 * Registers issueflow's search attributes on a server we joined. The embedded server gets them at
 * start; Temporal Cloud does not allow this call (register them in the Cloud UI), so failure only warns.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string | undefined> {
  const searchAttributes = Object.fromEntries(ISSUEFLOW_SEARCH_ATTRIBUTES.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    if (/already exists/i.test(message)) return undefined;
    return `could not register search attributes ${Object.keys(searchAttributes).join(', ')}: ${message.split('\n')[0]}`;
  }
}
