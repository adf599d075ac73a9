-- RTK signs only the body of a webhook delivery, so a replay of a signed body may carry any rtk-uuid and
-- rtk-webhook-id, or none: the receiver treats a body it already stored as a duplicate, whatever the headers
-- (storeRawEvent in platform/src/webhooks/queries.ts). This index serves that lookup. It is not UNIQUE: rows
-- stored before this migration may repeat a body under other headers, and a UNIQUE index could not be built on
-- such a database. The lookup and the insert are one statement, and D1 runs one statement at a time per
-- database, so two identical deliveries arriving at once still store one row. Additive only.
CREATE INDEX idx_webhook_events_body ON webhook_events(body_sha256);
