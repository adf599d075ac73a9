-- Analytics rollups, retention and lookup indexes for webhooks, post-meeting data, analytics and diagnostics.
-- Additive only.

-- Exact sums (seconds) next to the §9.4 minute columns, so rollup totals equal a direct count; and the day's peak.
ALTER TABLE daily_analytics ADD COLUMN total_duration_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_analytics ADD COLUMN total_recording_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_analytics ADD COLUMN peak_concurrent_participants INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_daily_analytics_org_date ON daily_analytics(org_id, date);

-- Days whose daily_analytics row for the org is complete (also days without sessions). A late webhook for a
-- session of that day removes the marker, so dashboards compute the day live until the nightly rollup reruns.
CREATE TABLE analytics_rollups (
  org_id TEXT NOT NULL,
  date TEXT NOT NULL,
  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (org_id, date)
);

CREATE INDEX idx_recordings_session ON recordings(session_id);
CREATE INDEX idx_sessions_started ON sessions(started_at);
-- Retention cleanup (§3.10) runs across orgs by time.
CREATE INDEX idx_webhook_deliveries_received ON diagnostic_webhook_deliveries(received_at);
CREATE INDEX idx_webhook_deliveries_event_row ON diagnostic_webhook_deliveries(webhook_event_id);
CREATE INDEX idx_health_created ON diagnostic_health_snapshots(created_at);
