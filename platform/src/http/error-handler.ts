import type { ErrorCodeOf, ErrorStatus } from '@castio/shared/schemas';
import * as Sentry from '@sentry/cloudflare';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env';
import { ApiError, envelope } from './errors';

/** Hono's own errors (HTTPException) by status; its status keeps its meaning, with the table's generic code. */
const HONO_CODES: { [S in ErrorStatus]?: ErrorCodeOf<S> } = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Hono throws 400s here (a malformed JSON body or form, an invalid mounted path); the body limits throw their own
 * ApiError. An HTTPException of a status without a generic code would be a bug, and is answered as one (500).
 */
function fromHono(error: HTTPException): ApiError | null {
  if (error.status === 400 && /json/i.test(error.message))
    return new ApiError('invalid_json', 'The request body is not valid JSON.');
  const code = HONO_CODES[error.status as ErrorStatus];
  return code ? new ApiError(code, error.message || 'The request could not be processed.') : null;
}

/**
 * Last-resort handler: known errors keep their status (Hono's own 400 for malformed JSON must not turn into
 * a 500); anything else is reported to Sentry and answered with a generic 500 that leaks nothing.
 */
export function handleError(error: Error, c: Context<AppEnv>) {
  const known = error instanceof HTTPException ? fromHono(error) : error;
  if (known instanceof ApiError) {
    for (const [name, value] of Object.entries(known.headers)) c.header(name, value);
    return c.json(envelope(known.code, known.message, known.details), known.status);
  }
  Sentry.captureException(error);
  console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), name: error.name }));
  return c.json(envelope('internal_error', `Something went wrong on our side. Reference: ${c.get('requestId')}.`), 500);
}
