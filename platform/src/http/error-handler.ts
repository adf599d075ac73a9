import * as Sentry from '@sentry/cloudflare';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env';
import { ApiError, envelope } from './errors';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Last-resort handler: known errors keep their status (Hono's own 400 for malformed JSON must not turn into
 * a 500); anything else is reported to Sentry and answered with a generic 500 that leaks nothing.
 */
export function handleError(error: Error, c: Context<AppEnv>) {
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(envelope(error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const message =
      status === 400 && /json/i.test(error.message)
        ? 'The request body is not valid JSON.'
        : error.message || 'The request could not be processed.';
    const code = status === 400 && /json/i.test(error.message) ? 'invalid_json' : (CODES_BY_STATUS[status] ?? 'error');
    return c.json(envelope(code, message), status as 400);
  }
  Sentry.captureException(error);
  console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), name: error.name }));
  return c.json(envelope('internal_error', `Something went wrong on our side. Reference: ${c.get('requestId')}.`), 500);
}
