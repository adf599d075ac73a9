/**
 * Every error code the platform API answers with, and its HTTP status: the one table. The platform's
 * `ApiError(code, …)` looks the status up here, the OpenAPI document lists these codes as an enum (per status,
 * which codes that status can carry), and clients (the web app, the deployer) switch on them. A code is a stable
 * contract: add codes freely, rename or remove one only together with every client that reads it.
 */
export const ERROR_STATUS = {
  // 400
  validation_failed: 400, // fields missing or not valid; `details` lists `{ path, message }` per field when known
  invalid_json: 400,
  bad_request: 400, // refused by Hono before the route ran (e.g. a malformed multipart form)
  invalid_invite: 400, // the invitation is not for this email, or was used, revoked or has expired

  // 401
  unauthenticated: 401, // the access token is missing, invalid or expired: refresh, or sign in
  invalid_credentials: 401, // wrong email or password
  invalid_refresh_token: 401, // the refresh cookie is missing, expired, revoked or reused: sign in again
  guest_token_invalid: 401, // the guest link expired or was revoked: join the meeting again
  invalid_signature: 401, // an RTK webhook whose signature is missing or wrong
  unauthorized: 401, // /agentsInternal: the meeting's agent token is missing or wrong

  // 403
  forbidden: 403, // signed in, but the role (or the meeting: locked, invite-only, no guests) does not allow it
  invite_required: 403, // the organisation is invite-only: signing up needs an invitation
  cross_site_request: 403, // a browser sent a write from another website

  // 404: also for other organisations' data
  not_found: 404,
  not_joined: 404, // a meeting token refresh before joining the meeting

  // 409: the request conflicts with the current state
  email_taken: 409,
  invite_pending: 409, // that person already has a pending invitation
  slug_taken: 409, // an organisation address or a room name already in use
  org_exists: 409, // a single-organisation deployment already has its organisation
  refresh_in_progress: 409, // another tab refreshed this session a moment ago: retry with the newest cookie
  invalid_transition: 409, // the meeting or occurrence cannot go there from its status; `details.status`, `allowed`
  meeting_closed: 409, // the meeting ended or was cancelled, so it can no longer be edited
  meeting_cancelled: 409,
  meeting_ended: 409,
  meeting_not_started: 409, // too early to join; `details.startsAt` says when joining opens
  meeting_not_running: 409, // host controls need a running room
  nobody_in_meeting: 409, // host controls need someone connected
  occurrence_clash: 409, // another occurrence of the series already starts at that time
  already_recording: 409,
  not_recording: 409,
  already_livestreaming: 409,
  not_livestreaming: 409,
  built_in_preset: 409, // Castio's built-in presets cannot be changed, deleted or reused as a name; clone one
  preset_name_taken: 409,
  session_active: 409, // the session has not ended yet
  no_transcript: 409, // the session has no transcript to summarise
  phone_home_unconfigured: 409, // the deployment has no PHONE_HOME_URL
  phone_home_disabled: 409, // phone-home is switched off in the diagnostics settings
  agent_not_running: 409, // no realtime agent is initialised for the meeting

  // 413, 415
  payload_too_large: 413,
  unsupported_media_type: 415, // the body is not sent as application/json
  unsupported_image: 415, // a branding upload is not one of the accepted image types; `details.accepted`

  // 422: understood, but cannot be done
  invalid_range: 422, // a date range whose end is not after its start
  range_too_long: 422,
  start_in_past: 422,
  end_before_start: 422,
  invalid_capacity: 422, // maxGuests larger than maxParticipants
  not_permanent: 422, // only permanent rooms have a room name (vanitySlug)
  not_reschedulable: 422, // only a scheduled meeting that has not started can be moved
  not_recurring: 422, // occurrences exist only for recurring meetings
  invalid_rrule: 422, // recurrence codes carry `details.field`, e.g. `recurrence.rrule`
  unsupported_rrule: 422, // a valid RRULE that Castio does not schedule (e.g. more often than daily)
  no_occurrences: 422, // the rule never produces a meeting (UNTIL or COUNT)
  invalid_dtstart: 422,
  invalid_timezone: 422, // not an IANA time zone
  invalid_duration: 422,
  invalid_occurrence_key: 422, // an exception date of a series that is not a local time (recurrence.ts)
  invalid_preset: 422, // the preset is not one of the meeting type's; `details.allowed`
  livestream_disabled: 422, // the meeting's livestream setting is off
  storage_not_configured: 422, // recordings go to a provider without a configured bucket
  unknown_users: 422, // invitees who are not in the organisation; `details.userIds`
  reserved_preset_name: 422, // starts like the names Castio gives other organisations' presets (org-<id>-)
  preset_not_copyable: 422, // the source preset has settings Castio cannot copy

  // 429: `Retry-After` and `details.retryAfterSeconds` say when to try again
  rate_limited: 429,
  capacity_reached: 429, // the organisation's concurrent meetings, or the meeting's seats, are all taken

  // 5xx
  internal_error: 500, // unexpected; the message carries a request id for support
  store_failed: 500, // an RTK webhook could not be stored (RTK retries)
  rtk_unavailable: 502, // RealtimeKit failed or timed out; nothing was changed; retry later
  phone_home_failed: 502, // the vendor's phone-home endpoint did not accept the report
  rtk_not_configured: 503, // the deployment has no RealtimeKit credentials yet
  key_unavailable: 503, // the RTK webhook signing key could not be loaded (RTK retries)
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
/** The codes a status can carry, e.g. `ErrorCodeOf<429>` is `'rate_limited' | 'capacity_reached'`. */
export type ErrorCodeOf<S extends ErrorStatus> = {
  [C in ErrorCode]: (typeof ERROR_STATUS)[C] extends S ? C : never;
}[ErrorCode];

/** Every code, in the table's order. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** Every status some code has, ascending. */
export const ERROR_STATUSES = [...new Set(Object.values(ERROR_STATUS))].sort((a, b) => a - b) as ErrorStatus[];

/** The codes of one status, in the table's order. */
export const errorCodesOf = <S extends ErrorStatus>(status: S) =>
  ERROR_CODES.filter((code) => ERROR_STATUS[code] === status) as [ErrorCodeOf<S>, ...ErrorCodeOf<S>[]];

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
