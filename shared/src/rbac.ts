/**
 * Role-based access control, exactly the spec §4.5 matrix. Pure data: the middleware, the OpenAPI document
 * and the RBAC matrix test all read this one table.
 */
export const USER_ROLES = ['owner', 'admin', 'host', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];
/** Guests are not users: they join through a meeting link and never hold an access token. */
export type ParticipantRole = UserRole | 'guest';

const ROLE_LEVEL: Record<UserRole, number> = { owner: 5, admin: 4, host: 3, member: 2 };

export const PERMISSIONS = {
  'org.settings.manage': ['owner', 'admin'],
  'org.delete': ['owner'],
  'users.manage': ['owner', 'admin'],
  'meetings.create': ['owner', 'admin', 'host'],
  /** Edit/delete any meeting; hosts hold `meetings.manage.own` for their own. */
  'meetings.manage.any': ['owner', 'admin'],
  'meetings.manage.own': ['owner', 'admin', 'host'],
  'recordings.control.any': ['owner', 'admin'],
  'recordings.control.own': ['owner', 'admin', 'host'],
  /** Members join meetings they are invited to or that are open; the meeting service checks which. */
  'meetings.join': ['owner', 'admin', 'host', 'member'],
  'presets.manage': ['owner', 'admin'],
  'analytics.view.all': ['owner', 'admin'],
  'analytics.view.own': ['owner', 'admin', 'host'],
  'diagnostics.view': ['owner', 'admin'],
  'diagnostics.manage': ['owner'],
} as const satisfies Record<string, readonly UserRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: UserRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly UserRole[]).includes(role);
}

/** Whether `actor` may change a user holding `targetRole` (and give them `newRole`). Owners are untouchable. */
export function canManageUser(actor: UserRole, targetRole: UserRole, newRole?: UserRole): boolean {
  if (!can(actor, 'users.manage')) return false;
  if (targetRole === 'owner' || newRole === 'owner') return false;
  // Only the owner creates or changes admins; admins manage everyone below them.
  const ceiling = actor === 'owner' ? ROLE_LEVEL.admin : ROLE_LEVEL.admin - 1;
  return ROLE_LEVEL[targetRole] <= ceiling && (newRole === undefined || ROLE_LEVEL[newRole] <= ceiling);
}
