import type { Pool } from 'pg';

/** GitHub's secondary limits on content-generating requests, per installation (or token). */
export interface WriteLimits {
  perMinute: number;
  perHour: number;
}

/** GitHub's documented limits: 80 content-generating requests a minute, 500 an hour. */
export const GITHUB_WRITE_LIMITS: WriteLimits = { perMinute: 80, perHour: 500 };

/** A take: granted, or the milliseconds until the next token. */
export interface BudgetTake {
  taken: boolean;
  waitMs: number;
}

/** Where a content-generating write takes its token before it is sent. */
export interface WriteBudget {
  take(key: string): Promise<BudgetTake>;
}

/**
 * Two token buckets in one row (full when new: bursts up to the limit), refilled continuously at the limit's
 * rate; a token is taken from both or from neither. Refill, check and take are one statement under the row's
 * lock, on the database's clock, so every worker shares the same budget. `$4` replaces the clock in tests.
 */
const elapsed = 'GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at))';
const minute = `LEAST($2::float8, b.minute_tokens + ${elapsed} * $2::float8 / 60)`;
const hour = `LEAST($3::float8, b.hour_tokens + ${elapsed} * $3::float8 / 3600)`;
const granted = `(${minute} >= 1 AND ${hour} >= 1)`;
const TAKE = `
INSERT INTO github_write_budget AS b (key, minute_tokens, hour_tokens, taken, updated_at)
VALUES ($1, $2::float8 - 1, $3::float8 - 1, true, COALESCE($4::timestamptz, clock_timestamp()))
ON CONFLICT (key) DO UPDATE SET
  taken = ${granted},
  minute_tokens = ${minute} - CASE WHEN ${granted} THEN 1 ELSE 0 END,
  hour_tokens = ${hour} - CASE WHEN ${granted} THEN 1 ELSE 0 END,
  updated_at = GREATEST(b.updated_at, EXCLUDED.updated_at)
RETURNING b.taken, b.minute_tokens, b.hour_tokens`;

/** The budget in PostgreSQL (migration 002), shared by every worker of the deployment. */
export class PgWriteBudget implements WriteBudget {
  constructor(
    private readonly pool: Pool,
    private readonly limits: WriteLimits = GITHUB_WRITE_LIMITS,
    /** Tests only: the time to take at, instead of the database's clock. */
    private readonly clock?: () => Date,
  ) {}

  async take(key: string): Promise<BudgetTake> {
    const { perMinute, perHour } = this.limits;
    const { rows } = await this.pool.query<{ taken: boolean; minute_tokens: number; hour_tokens: number }>(TAKE, [key, perMinute, perHour, this.clock?.() ?? null]);
    const row = rows[0];
    if (row.taken) return { taken: true, waitMs: 0 };
    const minuteWait = ((1 - row.minute_tokens) * 60_000) / perMinute;
    const hourWait = ((1 - row.hour_tokens) * 3_600_000) / perHour;
    return { taken: false, waitMs: Math.max(1, Math.ceil(Math.max(minuteWait, hourWait))) };
  }
}
