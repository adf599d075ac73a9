import { inList, likePattern, NOW_SQL, SqlClauses } from '../database/sql';
import { isoNow } from '@castio/shared/time';
import type { User } from '../auth/schemas';
import type { UserRole } from '@castio/shared/rbac';
import type { Invite } from './schemas';

export interface UserRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string | null;
  role: UserRole;
  avatar_url: string | null;
  is_active: number;
  last_login_at: string | null;
  created_at: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    isActive: row.is_active === 1,
    avatarUrl: row.avatar_url,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

export const findUserById = (db: D1Database, orgId: string, userId: string) =>
  db.prepare('SELECT * FROM users WHERE org_id = ? AND id = ?').bind(orgId, userId).first<UserRow>();

export const findUserByEmail = (db: D1Database, orgId: string, email: string) =>
  db.prepare('SELECT * FROM users WHERE org_id = ? AND email = ?').bind(orgId, email).first<UserRow>();

/** Which of `userIds` are users of the org, with their roles (any number of ids: see inList). */
export async function findOrgUsersByIds(db: D1Database, orgId: string, userIds: readonly string[]) {
  const ids = inList('id', userIds);
  const { results } = await db
    .prepare(`SELECT id, role FROM users WHERE org_id = ? AND ${ids.sql}`)
    .bind(orgId, ids.value)
    .all<Pick<UserRow, 'id' | 'role'>>();
  return results;
}

export interface NewUser {
  id: string;
  orgId: string;
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
}

export const insertUserStatement = (db: D1Database, user: NewUser) =>
  db
    .prepare('INSERT INTO users (id, org_id, email, name, password_hash, role) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(user.id, user.orgId, user.email, user.name, user.passwordHash, user.role);

export interface UserListFilter {
  orgId: string;
  role?: UserRole;
  active?: boolean;
  search?: string;
  afterId?: string;
  limit: number;
}

export async function listUsers(db: D1Database, filter: UserListFilter): Promise<UserRow[]> {
  const where = new SqlClauses()
    .add('org_id = ?', filter.orgId)
    .addIfDefined('role = ?', filter.role)
    .addIfDefined('is_active = ?', filter.active === undefined ? undefined : filter.active ? 1 : 0)
    .addIfDefined('id > ?', filter.afterId);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    where.add("(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", pattern, pattern);
  }
  const { results } = await db
    .prepare(`SELECT * FROM users WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`)
    .bind(...where.values, filter.limit + 1)
    .all<UserRow>();
  return results;
}

export const updateUserStatement = (
  db: D1Database,
  orgId: string,
  userId: string,
  changes: { name?: string; role?: UserRole; isActive?: boolean },
) => {
  const set = new SqlClauses()
    .addIfDefined('name = ?', changes.name)
    .addIfDefined('role = ?', changes.role)
    .addIfDefined('is_active = ?', changes.isActive === undefined ? undefined : changes.isActive ? 1 : 0)
    .add(`updated_at = ${NOW_SQL}`);
  return db
    .prepare(`UPDATE users SET ${set.join(', ')} WHERE org_id = ? AND id = ?`)
    .bind(...set.values, orgId, userId);
};

// Invitations to the org (invites.ts); registration accepts them (auth/queries.ts).

export interface InviteRow {
  id: string;
  email: string;
  role: Invite['role'];
  invited_by: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export async function hasPendingInvite(db: D1Database, orgId: string, email: string, now = isoNow()) {
  const row = await db
    .prepare(
      'SELECT id FROM org_invites WHERE org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?',
    )
    .bind(orgId, email, now)
    .first<Pick<InviteRow, 'id'>>();
  return row !== null;
}

export const insertInviteStatement = (
  db: D1Database,
  invite: {
    id: string;
    orgId: string;
    email: string;
    role: Invite['role'];
    tokenHash: string;
    invitedBy: string;
    expiresAt: string;
  },
) =>
  db
    .prepare(
      'INSERT INTO org_invites (id, org_id, email, role, token_hash, invited_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(invite.id, invite.orgId, invite.email, invite.role, invite.tokenHash, invite.invitedBy, invite.expiresAt);

export const findInvite = (db: D1Database, orgId: string, inviteId: string) =>
  db.prepare('SELECT * FROM org_invites WHERE org_id = ? AND id = ?').bind(orgId, inviteId).first<InviteRow>();

export async function listInviteRows(db: D1Database, orgId: string): Promise<InviteRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM org_invites WHERE org_id = ? ORDER BY id DESC LIMIT 200')
    .bind(orgId)
    .all<InviteRow>();
  return results;
}

/** Revokes a pending invitation; false when there is none of that id in the org (gone, accepted or revoked). */
export async function revokePendingInvite(db: D1Database, orgId: string, inviteId: string, now = isoNow()) {
  const result = await db
    .prepare(
      'UPDATE org_invites SET revoked_at = ? WHERE org_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL',
    )
    .bind(now, orgId, inviteId)
    .run();
  return result.meta.changes > 0;
}
