import type { Pool } from 'pg';

/** One chunk of agent or test output, as the activities wrote it. */
export interface RunLogLine {
  id: number;
  step: string;
  stream: string;
  chunk: string;
  createdAt: string;
}

export interface RunLogPage {
  lines: RunLogLine[];
  /** The id to pass as `after` for the next page; absent on the last page. */
  nextCursor?: number;
}

/** The channel the activities `pg_notify` with the workflow id after writing log lines. */
export const RUN_LOG_CHANNEL = 'run_log';

/** A workflow's log lines with id greater than `after`, oldest first, optionally of one step. */
export async function readRunLogs(pool: Pool, workflowId: string, options: { after?: number; step?: string; limit?: number } = {}): Promise<RunLogPage> {
  const limit = options.limit ?? 500;
  const r = await pool.query<{ id: string; step: string; stream: string; chunk: string; created_at: Date }>(
    'SELECT id, step, stream, chunk, created_at FROM run_logs WHERE workflow_id = $1 AND id > $2 AND ($3::text IS NULL OR step = $3) ORDER BY id LIMIT $4',
    [workflowId, options.after ?? 0, options.step ?? null, limit + 1],
  );
  const rows = r.rows.slice(0, limit);
  const lines = rows.map((row) => ({ id: Number(row.id), step: row.step, stream: row.stream, chunk: row.chunk, createdAt: row.created_at.toISOString() }));
  return { lines, ...(r.rows.length > limit ? { nextCursor: lines[lines.length - 1].id } : {}) };
}

/** Deletes log lines older than `days`; returns how many. */
export async function deleteRunLogsOlderThan(pool: Pool, days: number): Promise<number> {
  const r = await pool.query('DELETE FROM run_logs WHERE created_at < now() - make_interval(days => $1)', [days]);
  return r.rowCount ?? 0;
}
