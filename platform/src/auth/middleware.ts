import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/app-env';
import { ApiError, forbidden } from '../http/errors';
import { can, type Permission } from '@castio/shared/rbac';
import { verifyAccessToken } from './access-token';
import { findSignedInUser } from './queries';

const unauthenticated = () =>
  new ApiError('unauthenticated', 'Sign in to continue: the access token is missing, invalid or expired.');

/**
 * Verifies the bearer token, then loads the user from D1 on every request: a deactivated user or a changed
 * role takes effect at once, a token whose org no longer matches the user is refused, and so is a token whose
 * session has ended (logout, logout everywhere).
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  if (!match) throw unauthenticated();
  const claims = await verifyAccessToken(c.env.JWT_SECRET, match[1]!);
  if (!claims) throw unauthenticated();
  const user = await findSignedInUser(c.env.DB, claims);
  if (!user) throw unauthenticated();
  c.set('auth', { userId: user.id, orgId: user.org_id, role: user.role, email: user.email, name: user.name });
  await next();
});

export const requirePermission = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!can(c.get('auth').role, permission)) throw forbidden();
    await next();
  });
