-- Three statements of the 5-minute cron read every org's rows by status and time, and nothing indexed them, so
-- each run scanned the whole table (both tables only grow):
--   sessions      status = 'active' AND updated_at < ?   (analytics/queries.ts listStaleActiveSessions)
--   sessions      status = 'ended' AND updated_at >= ?   (notifications/queries.ts listSessionsMissingMail)
--   guest_tokens  status = 'waiting' AND created_at < ?  (meetings/queries.ts listIdleWaitingGuests)
-- Only waiting guests are ever looked up this way, so that index is partial and stays small. Additive only.
CREATE INDEX idx_sessions_status_updated ON sessions(status, updated_at);
CREATE INDEX idx_guest_tokens_waiting ON guest_tokens(created_at) WHERE status = 'waiting';
