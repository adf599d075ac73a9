import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { ApiError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Whether rejectCrossSiteWrites checks a request of this method. */
export const isWriteMethod = (method: string) => !SAFE_METHODS.has(method.toUpperCase());

/**
 * Refuses state-changing requests a browser made on behalf of another site (CSRF defence in depth on top of the
 * SameSite=Strict cookie and the JSON-only bodies). Server-to-server clients send neither header and pass.
 */
export const rejectCrossSiteWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isWriteMethod(c.req.method)) {
    const fetchSite = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const crossSite = fetchSite === 'cross-site' || (origin !== undefined && origin !== new URL(c.req.url).origin);
    if (crossSite) throw new ApiError('cross_site_request', 'Requests from other websites are not accepted.');
  }
  await next();
};
