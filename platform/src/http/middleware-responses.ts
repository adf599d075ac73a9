import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import type { errorResponse } from './errors';

/** A documented operation as the registry holds it: lower-case method, OpenAPI path. */
export interface OperationKey {
  method: string;
  path: string;
}

/**
 * App-level middleware answers some requests before their route runs (a cross-site write, an oversized or
 * non-JSON body). Route declarations cannot see that, so this adds those responses to every documented operation
 * the middleware covers. Call it once every route is registered; an operation's own entry for a status wins.
 */
export function documentMiddlewareResponses(
  app: OpenAPIHono<AppEnv>,
  covers: (operation: OperationKey) => boolean,
  responses: Record<string, ReturnType<typeof errorResponse>>,
) {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === 'route' && covers(definition.route)) {
      definition.route.responses = { ...responses, ...definition.route.responses };
    }
  }
}
