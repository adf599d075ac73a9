/** What went wrong with a RealtimeKit call, as a caller would branch on it. */
export type RtkErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'invalid_response';

/** Failures that say nothing about the request itself: the same call may work later. */
const TRANSIENT: ReadonlySet<RtkErrorCode> = new Set(['rate_limited', 'server_error', 'network', 'timeout']);

export interface RtkErrorInit {
  status: number;
  code: RtkErrorCode;
  method: string;
  /** Path below the app (`/meetings/{id}`), never the full URL. */
  path: string;
  message: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A failed RealtimeKit call. `retryable` marks transient failures; for creates it does not mean "safe to
 * repeat blindly" (the first attempt may have landed), only that the failure was not the request's fault.
 */
export class RtkError extends Error {
  override name = 'RtkError';
  /** HTTP status; 0 when no answer arrived (network error, timeout). */
  readonly status: number;
  readonly code: RtkErrorCode;
  readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  readonly retryAfterSeconds?: number;

  constructor(init: RtkErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryable = TRANSIENT.has(init.code);
    this.method = init.method;
    this.path = init.path;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * Cloudflare's API gateway answers token problems itself, in its own envelope: 403 + 10000 "Authentication error"
 * for an unknown, expired or under-privileged token, 400 + 6003/6103/6111 for missing or malformed credentials,
 * 401 + 1000 on verify routes. All of them mean "fix RTK_API_TOKEN", hence `unauthorized`.
 */
const GATEWAY_AUTH_CODES: ReadonlySet<number> = new Set([1000, 6003, 6103, 6111, 10000]);

export function codeForStatus(status: number, gatewayCode?: number): RtkErrorCode {
  if (gatewayCode !== undefined && GATEWAY_AUTH_CODES.has(gatewayCode)) return 'unauthorized';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

const PLAIN_WORDS: Record<RtkErrorCode, string> = {
  bad_request: 'RealtimeKit rejected the request',
  unauthorized: 'RealtimeKit did not accept the API token (check RTK_API_TOKEN and its Realtime permission)',
  forbidden: 'RealtimeKit refused access',
  not_found: 'RealtimeKit could not find it',
  conflict: 'RealtimeKit reported a conflict',
  rate_limited: 'RealtimeKit is rate limiting this account',
  server_error: 'RealtimeKit had a server error',
  network: 'RealtimeKit could not be reached',
  timeout: 'RealtimeKit did not answer in time',
  invalid_response: 'RealtimeKit sent an answer this client cannot read',
};

/** "Could not <what>: <plain reason> (HTTP 404): <RTK's own words>", with the API token scrubbed out. */
export function describeFailure(
  what: string,
  code: RtkErrorCode,
  status: number,
  detail: string | null,
  token: string,
) {
  const http = status ? ` (HTTP ${status})` : '';
  const text = `Could not ${what}: ${PLAIN_WORDS[code]}${http}${detail ? `: ${detail}` : ''}.`;
  return token ? text.replaceAll(token, '[redacted]') : text;
}
