import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env';
import { ApiError } from './errors';

export const JSON_BODY_LIMIT_BYTES = 64 * 1024;
export const UPLOAD_BODY_LIMIT_BYTES = 2 * 1024 * 1024 + 64 * 1024;

const tooLarge = (limit: number) => () => {
  throw new ApiError('payload_too_large', `The request body is larger than ${Math.round(limit / 1024)} KB.`);
};

/** JSON API bodies are small: reject bigger ones before anything parses them. */
export const jsonBodyLimit = bodyLimit({ maxSize: JSON_BODY_LIMIT_BYTES, onError: tooLarge(JSON_BODY_LIMIT_BYTES) });
export const uploadBodyLimit = bodyLimit({
  maxSize: UPLOAD_BODY_LIMIT_BYTES,
  onError: tooLarge(UPLOAD_BODY_LIMIT_BYTES),
});

/**
 * Bodies on JSON routes must say they are JSON (415 otherwise). Besides clear errors, this keeps
 * cross-site form posts out: a JSON content type forces a CORS preflight, which we never grant.
 */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const hasBody = c.req.header('content-length') !== '0' && c.req.raw.body !== null;
  const type = c.req.header('content-type') ?? '';
  if (hasBody && !/^application\/json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'Send the request body as application/json.');
  }
  await next();
};
