import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { scrubSecrets } from '../logger';

export interface RunLogOptions {
  pool: Pool;
  workflowId: string;
  step: string;
  stream?: 'stdout' | 'stderr';
  /** Literal values replaced by [redacted] before anything is stored. */
  secrets?: readonly string[];
  logger?: Logger;
  /** Flush once this many characters are waiting (default 256 KiB). */
  batchChars?: number;
  /** Flush at least this often while output arrives (default 250 ms). */
  flushMs?: number;
}

/** One stream of one step's output, written to `run_logs` in batches. */
export interface RunLogWriter {
  /** Queues text; resolves at once unless a full batch is waiting, which gives the producer back-pressure. */
  write(text: string): Promise<void>;
  /** Writes whatever is queued and waits for it. */
  close(): Promise<void>;
}

const INSERT = `WITH ins AS (
  INSERT INTO run_logs (workflow_id, step, stream, chunk) SELECT $1, $2, $3, unnest($4::text[]) RETURNING 1
) SELECT pg_notify('run_log', $1) FROM (SELECT count(*) AS n FROM ins) c WHERE c.n > 0`;

/** Rows stay small enough for the API to page through. */
const ROW_CHARS = 64 * 1024;

/**
 * Streams output into Postgres: batched multi-row inserts, then `pg_notify('run_log', workflow_id)`
 * so the API can tail it live. A failing database loses log lines, never the run.
 */
export function createRunLog(options: RunLogOptions): RunLogWriter {
  const batchChars = options.batchChars ?? 256 * 1024;
  const stream = options.stream ?? 'stdout';
  const secrets = options.secrets ?? [];
  let pending: string[] = [];
  let pendingChars = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let warned = false;

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pendingChars === 0) return inFlight;
    const text = scrubSecrets(pending.join(''), secrets).replace(/\u0000/g, '');
    pending = [];
    pendingChars = 0;
    const rows: string[] = [];
    for (let i = 0; i < text.length; i += ROW_CHARS) rows.push(text.slice(i, i + ROW_CHARS));
    inFlight = inFlight.then(() =>
      options.pool.query(INSERT, [options.workflowId, options.step, stream, rows]).then(
        () => undefined,
        (err: Error) => {
          if (!warned) options.logger?.warn({ err: err.message, step: options.step }, 'run log write failed; output is still kept in memory as a tail');
          warned = true;
        },
      ),
    );
    return inFlight;
  };

  return {
    async write(text: string) {
      if (!text) return;
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= batchChars) {
        // Wait for the previous batch only, so one batch is written while the next fills.
        const previous = inFlight;
        void flush();
        await previous;
      } else if (!timer) {
        timer = setTimeout(() => void flush(), options.flushMs ?? 250);
      }
    },
    close: flush,
  };
}

/** The stored output of one workflow (optionally one step), in order; for tests and the jobs API. */
export async function readRunLog(pool: Pool, workflowId: string, step?: string): Promise<{ step: string; stream: string; chunk: string }[]> {
  const r = await pool.query<{ step: string; stream: string; chunk: string }>(
    'SELECT step, stream, chunk FROM run_logs WHERE workflow_id = $1 AND ($2::text IS NULL OR step = $2) ORDER BY id',
    [workflowId, step ?? null],
  );
  return r.rows;
}
