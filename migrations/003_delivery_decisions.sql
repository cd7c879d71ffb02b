-- A delivery is recorded with what it routed to (a start, a signal or a cancel), so that once it is answered
-- it is acted on even if the process that answered dies first: any API process takes over a delivery still
-- `received` after its lease (src/api/delivery-actor.ts). Rows from before this migration have none and are
-- acted on by a redelivery, as before. `attempts` counts the claims; past a limit the delivery is marked `failed`.
ALTER TABLE webhook_deliveries ADD COLUMN decision jsonb, ADD COLUMN attempts integer NOT NULL DEFAULT 1;
CREATE INDEX webhook_deliveries_unacted ON webhook_deliveries (received_at) WHERE outcome = 'received' AND decision IS NOT NULL;
