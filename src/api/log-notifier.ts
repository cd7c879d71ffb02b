import type { Pool, PoolClient } from 'pg';
import { RUN_LOG_CHANNEL } from '../store/run-logs-read';

type Listener = () => void;

/**
 * One `LISTEN run_log` connection shared by every event stream; the activities `pg_notify` the
 * workflow id after writing log lines. The connection is taken from the pool only while someone listens.
 */
export class LogNotifier {
  private readonly listeners = new Map<string, Set<Listener>>();
  private connection?: Promise<PoolClient>;
  private readonly detach = new WeakMap<PoolClient, () => void>();

  constructor(private readonly pool: Pool) {}

  /** Calls `fn` whenever new log lines of `workflowId` are announced; returns the unsubscribe. */
  async subscribe(workflowId: string, fn: Listener): Promise<() => void> {
    const set = this.listeners.get(workflowId) ?? new Set();
    set.add(fn);
    this.listeners.set(workflowId, set);
    await this.connect().catch(() => undefined); // Without LISTEN, the stream's periodic read still delivers lines.
    return () => {
      set.delete(fn);
      if (!set.size) this.listeners.delete(workflowId);
      if (!this.listeners.size) void this.disconnect();
    };
  }

  private connect(): Promise<PoolClient> {
    if (this.connection) return this.connection;
    const pending: Promise<PoolClient> = (async () => {
      const client = await this.pool.connect();
      const onError = () => {
        detach();
        if (this.connection === pending) this.connection = undefined;
        client.release(true);
        if (this.listeners.size) this.connect().catch(() => undefined);
      };
      const onNotification = (msg: { payload?: string }) => {
        for (const fn of this.listeners.get(msg.payload ?? '') ?? []) fn();
      };
      const detach = () => {
        client.off('error', onError);
        client.off('notification', onNotification);
      };
      this.detach.set(client, detach);
      client.on('notification', onNotification);
      client.on('error', onError);
      await client.query(`LISTEN ${RUN_LOG_CHANNEL}`);
      return client;
    })().catch((error: unknown) => {
      if (this.connection === pending) this.connection = undefined;
      throw error;
    });
    this.connection = pending;
    return pending;
  }

  private async disconnect(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (!pending) return;
    const client = await pending.catch(() => undefined);
    if (!client) return;
    await client.query(`UNLISTEN ${RUN_LOG_CHANNEL}`).catch(() => undefined);
    this.detach.get(client)?.();
    this.detach.delete(client);
    client.release();
  }

  /** Releases the connection (app shutdown). */
  async close(): Promise<void> {
    this.listeners.clear();
    await this.disconnect();
  }
}
