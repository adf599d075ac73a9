import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { envelope } from './errors';

/** A router whose zod validation failures answer 400 in the error envelope, with the issues as details. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const details = result.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      }));
      return c.json(envelope('validation_failed', 'Some fields are missing or not valid.', details), 400);
    },
  });
}
