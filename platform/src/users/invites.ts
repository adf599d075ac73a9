import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { HOUR, isoAfter, isoNow } from '@castio/shared/time';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, forbidden, notFound } from '../http/errors';
import { canManageUser } from '@castio/shared/rbac';
import {
  findInvite,
  findUserByEmail,
  hasPendingInvite,
  insertInviteStatement,
  type InviteRow,
  listInviteRows,
  revokePendingInvite,
} from './queries';
import type { Invite, InviteCreate } from './schemas';

function toInvite(row: InviteRow, now = isoNow()): Invite {
  const status = row.accepted_at
    ? 'accepted'
    : row.revoked_at
      ? 'revoked'
      : row.expires_at <= now
        ? 'expired'
        : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status,
    invitedBy: row.invited_by,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

export async function createInvite(env: Env, auth: AuthContext, input: InviteCreate) {
  if (!canManageUser(auth.role, 'member', input.role))
    throw forbidden(`Your role cannot invite someone as ${input.role}.`);
  if (await findUserByEmail(env.DB, auth.orgId, input.email)) {
    throw new ApiError('email_taken', 'Someone with this email is already a member of your organisation.');
  }
  if (await hasPendingInvite(env.DB, auth.orgId, input.email))
    throw new ApiError('invite_pending', 'This person already has a pending invitation. Revoke it to send a new one.');
  const token = randomToken(32);
  const id = newId();
  await insertInviteStatement(env.DB, {
    id,
    orgId: auth.orgId,
    email: input.email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: auth.userId,
    expiresAt: isoAfter(input.expiresInHours * HOUR),
  }).run();
  const row = (await findInvite(env.DB, auth.orgId, id))!;
  return { invite: toInvite(row), token, registerPath: `/register?invite=${encodeURIComponent(token)}` };
}

export async function listInvites(env: Env, auth: AuthContext) {
  return { items: (await listInviteRows(env.DB, auth.orgId)).map((row) => toInvite(row)) };
}

export async function revokeInvite(env: Env, auth: AuthContext, inviteId: string) {
  if (!(await revokePendingInvite(env.DB, auth.orgId, inviteId))) throw notFound('The pending invitation');
}
