-- Castio platform: the whole canonical schema (ARCHITECTURE.md "One schema").
-- Merged from spec §2.3, §3.4, §4.2, §4.4, §5.5, §6.2, §9.4 and §12.3, richest form of each table.
-- Conventions: ids are ULIDs; times are ISO-8601 UTC text; booleans are 0/1; every tenant table has org_id.
-- Additive only from here on: later migrations add tables/columns/indexes, never DROP or RENAME.

-- ── Organisations, users, auth ─────────────────────────────────────────────
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  owner_id TEXT,
  rtk_app_id TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  password_hash TEXT,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'host', 'member')),
  avatar_url TEXT,
  is_active INTEGER NOT NULL DEFAULT 1,
  last_login_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (org_id, email)
);
CREATE INDEX idx_users_org_created ON users(org_id, id);

-- Refresh tokens: opaque, stored as SHA-256, rotated on every use; reuse of a rotated token revokes its family.
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  family_id TEXT NOT NULL,
  parent_id TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at TEXT NOT NULL,
  family_expires_at TEXT NOT NULL,
  revoked_at TEXT,
  replaced_by TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens(user_id);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens(family_id);

-- Invitations to join an org with a role; the token is shown once and stored hashed.
CREATE TABLE org_invites (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'host', 'member')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT NOT NULL REFERENCES users(id),
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  accepted_user_id TEXT,
  revoked_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_org_invites_org ON org_invites(org_id, id);

-- Security-relevant events (refresh reuse, deactivation, role change), for audit.
CREATE TABLE security_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  user_id TEXT,
  event_type TEXT NOT NULL,
  detail TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_security_events_org ON security_events(org_id, created_at);

-- ── Org settings (§12.3), one row per org ───────────────────────────────────
CREATE TABLE org_settings (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id),
  -- Branding: theme
  theme TEXT NOT NULL DEFAULT 'dark' CHECK (theme IN ('light', 'dark', 'darkest')),
  brand_color TEXT NOT NULL DEFAULT '#2563EB',
  background_color TEXT,
  text_color TEXT,
  text_on_primary_color TEXT,
  video_bg_color TEXT,
  font_family TEXT,
  google_font TEXT,
  border_width TEXT NOT NULL DEFAULT 'thin' CHECK (border_width IN ('none', 'thin', 'fat')),
  border_radius TEXT NOT NULL DEFAULT 'rounded' CHECK (border_radius IN ('sharp', 'rounded', 'extra-rounded', 'circular')),
  -- Branding: assets
  logo_url TEXT,
  logo_height INTEGER NOT NULL DEFAULT 32,
  favicon_url TEXT,
  custom_icon_pack TEXT,
  -- Watermark
  watermark_enabled INTEGER NOT NULL DEFAULT 0,
  watermark_image_url TEXT,
  watermark_position TEXT NOT NULL DEFAULT 'right bottom'
    CHECK (watermark_position IN ('left top', 'right top', 'left bottom', 'right bottom')),
  watermark_width INTEGER NOT NULL DEFAULT 120,
  watermark_height INTEGER NOT NULL DEFAULT 40,
  -- Meeting defaults
  default_meeting_type TEXT NOT NULL DEFAULT 'video' CHECK (default_meeting_type IN ('video', 'audio', 'webinar', 'livestream')),
  default_waiting_room INTEGER NOT NULL DEFAULT 0,
  default_recording_autostart INTEGER NOT NULL DEFAULT 0,
  default_max_participants INTEGER NOT NULL DEFAULT 100,
  default_guest_access TEXT NOT NULL DEFAULT 'link_only' CHECK (default_guest_access IN ('disabled', 'link_only', 'open')),
  default_chat_enabled INTEGER NOT NULL DEFAULT 1,
  default_polls_enabled INTEGER NOT NULL DEFAULT 1,
  default_breakout_rooms_enabled INTEGER NOT NULL DEFAULT 0,
  default_transcription_enabled INTEGER NOT NULL DEFAULT 0,
  default_ai_summaries_enabled INTEGER NOT NULL DEFAULT 0,
  default_plugins_enabled INTEGER NOT NULL DEFAULT 1,
  default_livestream_enabled INTEGER NOT NULL DEFAULT 0,
  -- Org policies (not overridable per meeting)
  virtual_backgrounds_allowed INTEGER NOT NULL DEFAULT 1,
  guest_access_global INTEGER NOT NULL DEFAULT 1,
  invite_only_registration INTEGER NOT NULL DEFAULT 1,
  simulcast_enabled INTEGER NOT NULL DEFAULT 1,
  -- Recording
  recording_storage_provider TEXT NOT NULL DEFAULT 'r2'
    CHECK (recording_storage_provider IN ('r2', 'aws', 'azure', 'digitalocean', 'gcs', 'sftp')),
  recording_storage_config TEXT, -- JSON; credentials inside are AES-256-GCM encrypted (docs/architecture.md#secrets-at-rest)
  recording_codec TEXT NOT NULL DEFAULT 'H264' CHECK (recording_codec IN ('H264', 'VP8')),
  -- i18n
  default_locale TEXT NOT NULL DEFAULT 'en-US',
  custom_strings TEXT,
  -- Abuse protection and capacity (§6.8)
  rate_limit_joins_per_minute INTEGER NOT NULL DEFAULT 60,
  max_concurrent_meetings INTEGER NOT NULL DEFAULT 25,
  max_meeting_duration_minutes INTEGER NOT NULL DEFAULT 1440,
  max_recording_storage_gb INTEGER NOT NULL DEFAULT 50,
  guest_token_ttl_minutes INTEGER NOT NULL DEFAULT 240,
  -- Diagnostics (§3.2, §3.7)
  sentry_vendor_enabled INTEGER NOT NULL DEFAULT 1,
  sentry_customer_dsn TEXT,
  phone_home_enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- ── Meetings and scheduling (§6.2) ──────────────────────────────────────────
CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  rtk_meeting_id TEXT,
  title TEXT NOT NULL,
  slug TEXT NOT NULL,
  description TEXT,
  meeting_type TEXT NOT NULL DEFAULT 'video' CHECK (meeting_type IN ('video', 'audio', 'webinar', 'livestream')),
  scheduling_type TEXT NOT NULL DEFAULT 'instant' CHECK (scheduling_type IN ('instant', 'scheduled', 'recurring', 'permanent')),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'active', 'ended', 'cancelled')),
  created_by TEXT NOT NULL REFERENCES users(id),
  scheduled_start TEXT,
  scheduled_end TEXT,
  actual_start TEXT,
  actual_end TEXT,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  is_permanent INTEGER NOT NULL DEFAULT 0,
  vanity_slug TEXT,
  -- Permanent rooms are ACTIVE while someone is in them (docs/architecture.md#one-schema / §6.4).
  room_state TEXT NOT NULL DEFAULT 'inactive' CHECK (room_state IN ('active', 'inactive')),
  guest_access TEXT CHECK (guest_access IN ('disabled', 'link_only', 'open')),
  waiting_room_enabled INTEGER NOT NULL DEFAULT 1,
  recording_auto_start INTEGER NOT NULL DEFAULT 0,
  transcription_enabled INTEGER NOT NULL DEFAULT 0,
  ai_summaries_enabled INTEGER NOT NULL DEFAULT 0,
  chat_enabled INTEGER NOT NULL DEFAULT 1,
  polls_enabled INTEGER NOT NULL DEFAULT 1,
  livestream_enabled INTEGER NOT NULL DEFAULT 0,
  max_participants INTEGER NOT NULL DEFAULT 100,
  max_guests INTEGER,
  is_locked INTEGER NOT NULL DEFAULT 0,
  cloud_storage_config TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (org_id, slug)
);
CREATE UNIQUE INDEX idx_meetings_vanity ON meetings(org_id, vanity_slug) WHERE vanity_slug IS NOT NULL;
CREATE INDEX idx_meetings_org_status ON meetings(org_id, status, id);
CREATE INDEX idx_meetings_org_created_by ON meetings(org_id, created_by, id);
CREATE INDEX idx_meetings_due ON meetings(status, scheduled_start);
CREATE INDEX idx_meetings_rtk ON meetings(rtk_meeting_id);

CREATE TABLE recurring_patterns (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  rrule TEXT NOT NULL,
  dtstart TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  duration_minutes INTEGER NOT NULL DEFAULT 60,
  until_date TEXT,
  occurrence_count INTEGER,
  exceptions TEXT NOT NULL DEFAULT '[]',
  materialized_until TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_recurring_patterns_meeting ON recurring_patterns(meeting_id);

CREATE TABLE meeting_occurrences (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  pattern_id TEXT NOT NULL REFERENCES recurring_patterns(id) ON DELETE CASCADE,
  occurrence_date TEXT NOT NULL,
  occurrence_end TEXT,
  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'active', 'ended', 'cancelled')),
  rtk_meeting_id TEXT,
  actual_start TEXT,
  actual_end TEXT,
  override_json TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (meeting_id, occurrence_date)
);
CREATE INDEX idx_occurrences_due ON meeting_occurrences(status, occurrence_date);
CREATE INDEX idx_occurrences_rtk ON meeting_occurrences(rtk_meeting_id);

CREATE TABLE meeting_invites (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  user_id TEXT REFERENCES users(id),
  email TEXT,
  role_override TEXT,
  rsvp_status TEXT NOT NULL DEFAULT 'pending' CHECK (rsvp_status IN ('pending', 'accepted', 'declined', 'tentative')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (meeting_id, user_id),
  UNIQUE (meeting_id, email)
);
CREATE INDEX idx_meeting_invites_user ON meeting_invites(user_id);

-- Guests (§4.2): the access token is shown once and stored hashed; 4 h expiry; bound to one meeting.
CREATE TABLE guest_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  occurrence_id TEXT,
  display_name TEXT NOT NULL,
  email TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  ip_hash TEXT,
  rtk_participant_id TEXT,
  status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'admitted', 'left', 'revoked')),
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_guest_tokens_meeting ON guest_tokens(meeting_id, status);

-- Who joined, was promoted, kicked… (§5.5 audit log; `joined` rows also back the capacity caps).
CREATE TABLE participant_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  occurrence_id TEXT,
  rtk_participant_id TEXT,
  user_id TEXT,
  guest_token_id TEXT,
  event_type TEXT NOT NULL CHECK (event_type IN ('joined', 'left', 'promoted', 'demoted', 'kicked', 'admitted', 'rejected')),
  preset_from TEXT,
  preset_to TEXT,
  performed_by TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_participant_events_meeting ON participant_events(meeting_id, created_at);

-- ── Sessions and post-meeting data (§9.4, §6.9, §8) ─────────────────────────
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  occurrence_id TEXT,
  rtk_session_id TEXT NOT NULL UNIQUE,
  rtk_meeting_id TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  started_at TEXT,
  ended_at TEXT,
  duration_seconds INTEGER,
  participant_count INTEGER NOT NULL DEFAULT 0,
  peak_participant_count INTEGER NOT NULL DEFAULT 0,
  total_participants INTEGER NOT NULL DEFAULT 0,
  has_recording INTEGER NOT NULL DEFAULT 0,
  has_transcript INTEGER NOT NULL DEFAULT 0,
  has_summary INTEGER NOT NULL DEFAULT 0,
  has_chat INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_sessions_meeting ON sessions(meeting_id, started_at);
CREATE INDEX idx_sessions_org_started ON sessions(org_id, started_at);
CREATE INDEX idx_sessions_org_status ON sessions(org_id, status);

-- One row per participant per session (join/leave/duration), keyed by RTK's participant id.
CREATE TABLE session_participants (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  rtk_participant_id TEXT NOT NULL,
  custom_participant_id TEXT,
  user_id TEXT,
  guest_token_id TEXT,
  display_name TEXT,
  preset_name TEXT,
  is_guest INTEGER NOT NULL DEFAULT 0,
  joined_at TEXT,
  left_at TEXT,
  duration_seconds INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (session_id, rtk_participant_id)
);
CREATE INDEX idx_session_participants_user ON session_participants(org_id, user_id);
CREATE INDEX idx_session_participants_meeting ON session_participants(meeting_id);

CREATE TABLE session_snapshots (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  participant_count INTEGER NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_session_snapshots_session ON session_snapshots(session_id, recorded_at);

CREATE TABLE recordings (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  session_id TEXT,
  rtk_recording_id TEXT NOT NULL UNIQUE,
  recording_type TEXT NOT NULL DEFAULT 'composite' CHECK (recording_type IN ('composite', 'track')),
  status TEXT NOT NULL CHECK (status IN ('invoked', 'recording', 'uploading', 'uploaded', 'errored')),
  download_url TEXT,
  download_url_expiry TEXT,
  duration_seconds INTEGER,
  file_size_bytes INTEGER,
  codec TEXT,
  storage_location TEXT NOT NULL DEFAULT 'rtk',
  storage_key TEXT,
  has_watermark INTEGER NOT NULL DEFAULT 0,
  error_message TEXT,
  started_by TEXT,
  started_at TEXT,
  ended_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_recordings_meeting ON recordings(meeting_id, created_at);
CREATE INDEX idx_recordings_org_status ON recordings(org_id, status);

CREATE TABLE recording_status_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  recording_id TEXT NOT NULL REFERENCES recordings(id),
  status TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  UNIQUE (recording_id, status)
);

CREATE TABLE livestreams (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  rtk_livestream_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  rtmp_url TEXT,
  playback_url TEXT,
  started_by TEXT,
  started_at TEXT,
  ended_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_livestreams_meeting ON livestreams(meeting_id);

-- Transcripts, summaries and chat are copied into our storage: RTK keeps them only 7 days.
CREATE TABLE transcripts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  download_url TEXT,
  download_url_expiry TEXT,
  transcript_json TEXT,
  storage_key TEXT,
  language TEXT NOT NULL DEFAULT 'en-US',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE summaries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  download_url TEXT,
  download_url_expiry TEXT,
  summary_markdown TEXT,
  summary_type TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  meeting_id TEXT NOT NULL REFERENCES meetings(id),
  rtk_message_id TEXT NOT NULL,
  sender_user_id TEXT,
  sender_name TEXT,
  message_type TEXT NOT NULL CHECK (message_type IN ('text', 'file', 'image')),
  content TEXT,
  file_name TEXT,
  file_url TEXT,
  is_pinned INTEGER NOT NULL DEFAULT 0,
  is_private INTEGER NOT NULL DEFAULT 0,
  recipient_user_id TEXT,
  sent_at TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (session_id, rtk_message_id)
);
CREATE INDEX idx_chat_session ON chat_messages(session_id, sent_at);
CREATE INDEX idx_chat_pinned ON chat_messages(session_id, is_pinned) WHERE is_pinned = 1;

-- ── Webhooks, analytics, diagnostics (§9.4, §3.4) ───────────────────────────
-- Raw deliveries, stored before processing; dedupe on RTK's delivery uuid and on the body hash.
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  org_id TEXT,
  rtk_delivery_id TEXT UNIQUE,
  rtk_webhook_id TEXT,
  body_sha256 TEXT NOT NULL,
  event_type TEXT NOT NULL,
  rtk_meeting_id TEXT,
  rtk_session_id TEXT,
  payload_json TEXT NOT NULL,
  processed INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  error_message TEXT,
  received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  processed_at TEXT,
  UNIQUE (rtk_webhook_id, body_sha256)
);
CREATE INDEX idx_webhook_events_pending ON webhook_events(processed, next_attempt_at) WHERE processed = 0;
CREATE INDEX idx_webhook_events_session ON webhook_events(rtk_session_id);

CREATE TABLE daily_analytics (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  date TEXT NOT NULL,
  total_sessions INTEGER NOT NULL DEFAULT 0,
  total_participants INTEGER NOT NULL DEFAULT 0,
  total_duration_minutes INTEGER NOT NULL DEFAULT 0,
  total_recordings INTEGER NOT NULL DEFAULT 0,
  total_recording_minutes INTEGER NOT NULL DEFAULT 0,
  total_chat_messages INTEGER NOT NULL DEFAULT 0,
  total_transcripts INTEGER NOT NULL DEFAULT 0,
  total_summaries INTEGER NOT NULL DEFAULT 0,
  meeting_type_video INTEGER NOT NULL DEFAULT 0,
  meeting_type_audio INTEGER NOT NULL DEFAULT 0,
  meeting_type_webinar INTEGER NOT NULL DEFAULT 0,
  meeting_type_livestream INTEGER NOT NULL DEFAULT 0,
  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (org_id, date)
);

CREATE TABLE diagnostic_webhook_deliveries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  webhook_event_id TEXT,
  webhook_event_type TEXT NOT NULL,
  rtk_event_id TEXT,
  meeting_id TEXT,
  session_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('received', 'processing', 'processed', 'failed', 'retry_exhausted')),
  attempt INTEGER NOT NULL DEFAULT 1,
  processing_duration_ms INTEGER,
  error_message TEXT,
  payload_summary TEXT,
  received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  processed_at TEXT
);
CREATE INDEX idx_webhook_deliveries_org_time ON diagnostic_webhook_deliveries(org_id, received_at DESC);
CREATE INDEX idx_webhook_deliveries_status ON diagnostic_webhook_deliveries(org_id, status);
CREATE INDEX idx_webhook_deliveries_event ON diagnostic_webhook_deliveries(org_id, webhook_event_type, received_at DESC);
CREATE INDEX idx_webhook_deliveries_meeting ON diagnostic_webhook_deliveries(meeting_id, received_at DESC);

CREATE TABLE diagnostic_health_snapshots (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  check_type TEXT NOT NULL CHECK (check_type IN ('scheduled', 'manual', 'phone_home')),
  status TEXT NOT NULL CHECK (status IN ('healthy', 'degraded', 'unhealthy')),
  d1_latency_ms INTEGER,
  kv_latency_ms INTEGER,
  r2_latency_ms INTEGER,
  rtk_api_latency_ms INTEGER,
  rtk_api_reachable INTEGER NOT NULL DEFAULT 1,
  active_meetings_count INTEGER NOT NULL DEFAULT 0,
  active_participants_count INTEGER NOT NULL DEFAULT 0,
  details TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_health_org_time ON diagnostic_health_snapshots(org_id, created_at DESC);

-- Outbound notifications (post-meeting mail, invites), sent through the mailer interface (docs/architecture.md#mail).
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  user_id TEXT,
  kind TEXT NOT NULL,
  dedupe_key TEXT NOT NULL UNIQUE,
  recipient_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  sent_at TEXT
);
CREATE INDEX idx_notifications_pending ON notifications(status, created_at) WHERE status = 'queued';
