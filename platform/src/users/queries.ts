import type { User } from '../auth/schemas';
import type { UserRole } from '../rbac/policy';

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
  const conditions = ['org_id = ?'];
  const values: unknown[] = [filter.orgId];
  if (filter.role) conditions.push('role = ?'), values.push(filter.role);
  if (filter.active !== undefined) conditions.push('is_active = ?'), values.push(filter.active ? 1 : 0);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    conditions.push("(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')");
    values.push(pattern, pattern);
  }
  if (filter.afterId) conditions.push('id > ?'), values.push(filter.afterId);
  const sql = `SELECT * FROM users WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...values, filter.limit + 1).all<UserRow>();
  return results;
}

export const updateUserStatement = (
  db: D1Database,
  orgId: string,
  userId: string,
  changes: { name?: string; role?: UserRole; isActive?: boolean },
) => {
  const assignments: string[] = [];
  const values: unknown[] = [];
  if (changes.name !== undefined) assignments.push('name = ?'), values.push(changes.name);
  if (changes.role !== undefined) assignments.push('role = ?'), values.push(changes.role);
  if (changes.isActive !== undefined) assignments.push('is_active = ?'), values.push(changes.isActive ? 1 : 0);
  assignments.push("updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
  return db
    .prepare(`UPDATE users SET ${assignments.join(', ')} WHERE org_id = ? AND id = ?`)
    .bind(...values, orgId, userId);
};
