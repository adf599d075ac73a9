import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '@castio/shared/rbac';
import type { AppEnv } from '../http/app-env';
import { errorResponses } from '../http/errors';
import { requireAuth, requirePermission } from './middleware';

/** Who may call a route: anyone, any signed-in user, or holders of a permission from the RBAC table. */
export type Access = 'public' | 'authenticated' | Permission;

/**
 * Declares a route with its access rule. The rule becomes middleware, OpenAPI security, and the
 * `x-castio-access` extension that the RBAC matrix test reads to check every route × role.
 */
export function defineRoute<const R extends Omit<RouteConfig, 'middleware'> & { operationId: string }>(
  access: Access,
  config: R,
) {
  const middleware: MiddlewareHandler<AppEnv>[] =
    access === 'public' ? [] : access === 'authenticated' ? [requireAuth] : [requireAuth, requirePermission(access)];
  const authErrors =
    access === 'public' ? {} : access === 'authenticated' ? errorResponses(401) : errorResponses(401, 403);
  return createRoute({
    ...config,
    responses: { ...authErrors, ...errorResponses(400, 429, 500), ...config.responses },
    middleware,
    // Public operations say so: without `security`, an operation would inherit a document-wide requirement.
    security: access === 'public' ? [] : [{ bearerAuth: [] }],
    'x-castio-access': access,
  });
}
