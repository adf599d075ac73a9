import type { AuthContext } from '../http/app-env';
import { securityEventStatement } from '../auth/queries';
import { endAllSessionsStatements } from '../auth/refresh-tokens';
import type { Env } from '../env';
import { forbidden, notFound } from '../http/errors';
import { can, canManageUser } from '@castio/shared/rbac';
import { findUserById, listUsers, toUser, updateUserStatement } from './queries';
import type { z } from '@hono/zod-openapi';
import type { UserListQuerySchema, UserPatch } from './schemas';

export async function listOrgUsers(env: Env, auth: AuthContext, query: z.infer<typeof UserListQuerySchema>) {
  const rows = await listUsers(env.DB, {
    orgId: auth.orgId,
    role: query.role,
    active: query.active,
    search: query.q,
    afterId: query.cursor,
    limit: query.limit,
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map(toUser), nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
}

/** Admins see anyone in their org; everyone else only themselves. Other orgs' users are simply not found. */
export async function getOrgUser(env: Env, auth: AuthContext, userId: string) {
  if (userId !== auth.userId && !can(auth.role, 'users.manage')) throw notFound('The user');
  const user = await findUserById(env.DB, auth.orgId, userId);
  if (!user) throw notFound('The user');
  return toUser(user);
}

/**
 * Users may rename themselves; admins change others' names, roles and active flag within canManageUser.
 * A role change or deactivation ends every session of that user at once.
 */
export async function updateOrgUser(env: Env, auth: AuthContext, userId: string, patch: UserPatch) {
  const target = await findUserById(env.DB, auth.orgId, userId);
  if (!target || (userId !== auth.userId && !can(auth.role, 'users.manage'))) throw notFound('The user');
  const changesAccess = patch.role !== undefined || patch.isActive !== undefined;
  if (changesAccess) {
    if (userId === auth.userId) throw forbidden('You cannot change your own role or deactivate yourself.');
    if (!canManageUser(auth.role, target.role, patch.role))
      throw forbidden('Your role cannot change this user’s access.');
  } else if (userId !== auth.userId && !canManageUser(auth.role, target.role)) {
    throw forbidden('Your role cannot change this user.');
  }
  const statements = [updateUserStatement(env.DB, auth.orgId, userId, patch)];
  if (changesAccess && (patch.isActive === false || (patch.role !== undefined && patch.role !== target.role))) {
    statements.push(...endAllSessionsStatements(env.DB, userId));
    statements.push(
      securityEventStatement(env.DB, {
        orgId: auth.orgId,
        userId,
        type: patch.isActive === false ? 'user_deactivated' : 'user_role_changed',
        detail: { by: auth.userId, from: target.role, to: patch.role ?? target.role },
      }),
    );
  }
  await env.DB.batch(statements);
  return toUser((await findUserById(env.DB, auth.orgId, userId))!);
}

export const deactivateOrgUser = (env: Env, auth: AuthContext, userId: string) =>
  updateOrgUser(env, auth, userId, { isActive: false });
