-- Sign-in sessions, one per refresh-token family (auth_sessions.id = refresh_tokens.family_id). Access tokens carry
-- their session's id (claim `sid`) and the auth middleware reads the session in the same query as the user row, so
-- ending a session refuses its access tokens at once instead of when they expire: logout ends one session; logout
-- everywhere, deactivation and a role change end all of a user's. network_hash: the hashed network (address bucket)
-- the session was started from, so a later sign-in from there counts as from a known network (sign-in limits,
-- README "Security"); NULL for an unknown address. Additive only.
CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  network_hash TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ended_at TEXT
);
CREATE INDEX idx_auth_sessions_user_network ON auth_sessions(user_id, network_hash, created_at);
