import {
  ERROR_ENVELOPE_OF_STATUS,
  ERROR_STATUS,
  type ErrorCode,
  type ErrorCodeOf,
  type ErrorEnvelope,
  type ErrorStatus,
} from '@castio/shared/schemas';

/**
 * An error a route wants the caller to see: a stable code and a plain-language message. Errors are data: the codes
 * and their statuses are one table (`ERROR_STATUS`, shared/src/schemas/error-codes.ts), so the status is looked up.
 */
export class ApiError extends Error {
  readonly status: ErrorStatus;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} was not found.`);
export const forbidden = (message = 'Your role does not allow this action.') => new ApiError('forbidden', message);
/** A 429: `Retry-After` and `details.retryAfterSeconds` say when to try again. */
export const retryLater = (code: ErrorCodeOf<429>, message: string, retryAfterSeconds: number) =>
  new ApiError(code, message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });

/** The error envelope, the one way any error body is made. */
export function envelope(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** An error as a `Response`, for code that answers outside a Hono context (a Durable Object's `fetch`). */
export const errorAsResponse = (code: ErrorCode, message: string, details?: unknown) =>
  Response.json(envelope(code, message, details), { status: ERROR_STATUS[code] });

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is malformed or fails validation.',
  401: 'Missing, invalid or expired credentials.',
  403: 'Authenticated, but not allowed.',
  404: 'Not found (also for other organisations’ data).',
  409: 'Conflicts with the current state.',
  413: 'The body is too large.',
  415: 'The body is not in a supported content type.',
  422: 'Understood but cannot be processed.',
  429: 'Too many requests; see Retry-After.',
  500: 'Something failed on our side; the message carries a reference for support.',
  502: 'An upstream service (RealtimeKit, the phone-home endpoint) failed or timed out; nothing was changed, retry later.',
  503: 'A service this needs is not configured or not reachable.',
};

/** One OpenAPI error response entry: the envelope of that status, whose code is one of the status's codes. */
export const errorResponse = (status: ErrorStatus, description = DESCRIPTIONS[status]) => ({
  description,
  content: { 'application/json': { schema: ERROR_ENVELOPE_OF_STATUS[status] } },
});

/** OpenAPI response entries for the error statuses a route can answer. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(status)]));
}
