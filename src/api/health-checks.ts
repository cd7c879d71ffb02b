import type { Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { pendingMigrations } from '../infra/migrate';

/** One part of readiness; `run` resolves (optionally with a detail) when the part is usable. */
export interface HealthCheck {
  name: string;
  run(): Promise<string | void>;
}

export function temporalCheck(connection: Connection): HealthCheck {
  return {
    name: 'temporal',
    run: async () => {
      await connection.workflowService.getSystemInfo({});
    },
  };
}

export function namespaceCheck(connection: Connection, namespace: string): HealthCheck {
  return {
    name: 'namespace',
    run: async () => {
      await connection.workflowService.describeNamespace({ namespace });
      return namespace;
    },
  };
}

export function databaseCheck(pool: Pool): HealthCheck {
  return {
    name: 'database',
    run: async () => {
      await pool.query('SELECT 1');
    },
  };
}

export function migrationsCheck(pool: Pool): HealthCheck {
  return {
    name: 'migrations',
    run: async () => {
      const pending = await pendingMigrations(pool);
      if (pending.length) throw new Error(`not applied: ${pending.join(', ')}`);
    },
  };
}
