import type { Pool } from 'pg';

/** The operator's pause switch: while on, no new agent run starts (webhooks and workflows go on). */
export async function readPaused(pool: Pool): Promise<boolean> {
  const r = await pool.query<{ value: boolean }>("SELECT value FROM settings WHERE key = 'paused'");
  return r.rows[0]?.value === true;
}

export async function writePaused(pool: Pool, paused: boolean): Promise<void> {
  await pool.query(
    "INSERT INTO settings (key, value, updated_at) VALUES ('paused', $1::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
    [JSON.stringify(paused)],
  );
}
