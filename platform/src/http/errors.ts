import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error envelope every route answers with (DEVELOPERS.md, "The bar"). */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'The request body is not valid.' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** An error a route wants the caller to see: status, stable code, plain-language message. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);
export const forbidden = (message = 'Your role does not allow this action.') => new ApiError(403, 'forbidden', message);
export const conflict = (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details);
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new ApiError(429, 'rate_limited', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });

export function envelope(code: string, message: string, details?: unknown): ErrorEnvelope {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** One OpenAPI error response entry: the error envelope, described. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorEnvelopeSchema } },
});

/** OpenAPI response entries for the error statuses a route can answer. */
export function errorResponses(...statuses: ContentfulStatusCode[]) {
  const descriptions: Partial<Record<ContentfulStatusCode, string>> = {
    400: 'The request is malformed or fails validation.',
    401: 'Missing, invalid or expired credentials.',
    403: 'Authenticated, but not allowed.',
    404: 'Not found (also for other organisations’ data).',
    409: 'Conflicts with the current state.',
    413: 'The body is too large.',
    415: 'The body is not in a supported content type.',
    422: 'Understood but cannot be processed.',
    429: 'Too many requests; see Retry-After.',
    500: 'Something failed on our side (internal_error); the message carries a reference for support.',
    502: 'RealtimeKit failed or timed out; nothing was changed, retry later (see Retry-After).',
    503: 'RealtimeKit is not configured on this deployment.',
  };
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(descriptions[status] ?? 'Error')]));
}
