import { randomToken, sha256Hex } from '@castio/shared/encoding';
import { newId } from '@castio/shared/ids';
import { HOUR, isoAfter, isoNow } from '@castio/shared/time';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, forbidden, notFound } from '../http/errors';
import { canManageUser } from '@castio/shared/rbac';
import { findUserByEmail } from './queries';
import type { Invite, InviteCreate } from './schemas';

interface InviteRow {
  id: string;
  email: string;
  role: Invite['role'];
  invited_by: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

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
  const pending = await env.DB.prepare(
    'SELECT id FROM org_invites WHERE org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
  )
    .bind(auth.orgId, input.email, isoNow())
    .first();
  if (pending)
    throw new ApiError('invite_pending', 'This person already has a pending invitation. Revoke it to send a new one.');
  const token = randomToken(32);
  const id = newId();
  await env.DB.prepare(
    'INSERT INTO org_invites (id, org_id, email, role, token_hash, invited_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(
      id,
      auth.orgId,
      input.email,
      input.role,
      await sha256Hex(token),
      auth.userId,
      isoAfter(input.expiresInHours * HOUR),
    )
    .run();
  const row = (await env.DB.prepare('SELECT * FROM org_invites WHERE id = ?').bind(id).first<InviteRow>())!;
  return { invite: toInvite(row), token, registerPath: `/register?invite=${encodeURIComponent(token)}` };
}

export async function listInvites(env: Env, auth: AuthContext) {
  const { results } = await env.DB.prepare('SELECT * FROM org_invites WHERE org_id = ? ORDER BY id DESC LIMIT 200')
    .bind(auth.orgId)
    .all<InviteRow>();
  return { items: results.map((row) => toInvite(row)) };
}

export async function revokeInvite(env: Env, auth: AuthContext, inviteId: string) {
  const result = await env.DB.prepare(
    'UPDATE org_invites SET revoked_at = ? WHERE org_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL',
  )
    .bind(isoNow(), auth.orgId, inviteId)
    .run();
  if (result.meta.changes === 0) throw notFound('The pending invitation');
}
