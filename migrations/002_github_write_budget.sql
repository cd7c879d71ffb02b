-- GitHub's content-generating write budget, one row per installation (or token): two token buckets,
-- per minute and per hour, shared by every worker. Taken atomically in one statement
-- (src/activities/github/write-budget.ts).
CREATE TABLE github_write_budget (
  key            text PRIMARY KEY,
  minute_tokens  double precision NOT NULL,
  hour_tokens    double precision NOT NULL,
  taken          boolean NOT NULL DEFAULT false,
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
