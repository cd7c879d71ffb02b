-- Webhook deliveries: one row per GitHub delivery id; the unique key is what de-duplicates.
CREATE TABLE webhook_deliveries (
  delivery_id   text PRIMARY KEY,
  event         text NOT NULL,
  action        text,
  repo          text,
  issue_number  integer,
  outcome       text NOT NULL DEFAULT 'received',
  workflow_id   text,
  latency_ms    integer,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);

-- Agent and test output, streamed in chunks per workflow and step, served by the jobs API.
CREATE TABLE run_logs (
  id           bigserial PRIMARY KEY,
  workflow_id  text NOT NULL,
  step         text NOT NULL,
  stream       text NOT NULL DEFAULT 'stdout',
  chunk        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX run_logs_workflow ON run_logs (workflow_id, id);
CREATE INDEX run_logs_created_at ON run_logs (created_at);

-- Operator switches (e.g. pause) that every worker reads.
CREATE TABLE settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
