import { describe, expect, it } from 'vitest';
import { can, canManageUser, PERMISSIONS, USER_ROLES, type Permission, type UserRole } from './rbac';

// The spec §4.5 table, transcribed independently of policy.ts: Y = allowed.
const SEED_MATRIX: Record<Permission, string> = {
  //                         owner admin host member
  'org.settings.manage': 'Y Y - -',
  'users.manage': 'Y Y - -',
  'meetings.create': 'Y Y Y -',
  'meetings.manage.any': 'Y Y - -',
  'meetings.manage.own': 'Y Y Y -',
  'recordings.control.any': 'Y Y - -',
  'recordings.control.own': 'Y Y Y -',
  'meetings.join': 'Y Y Y Y',
  'presets.manage': 'Y Y - -',
  'analytics.view.all': 'Y Y - -',
  'analytics.view.own': 'Y Y Y -',
  'org.delete': 'Y - - -',
  'diagnostics.view': 'Y Y - -',
  'diagnostics.manage': 'Y - - -',
};

describe('RBAC policy', () => {
  it('covers every permission in the seed matrix and nothing else', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(SEED_MATRIX).sort());
  });

  for (const [permission, row] of Object.entries(SEED_MATRIX) as [Permission, string][]) {
    const cells = row.split(' ');
    USER_ROLES.forEach((role, index) => {
      it(`${role} ${cells[index] === 'Y' ? 'may' : 'may not'} ${permission}`, () => {
        expect(can(role, permission)).toBe(cells[index] === 'Y');
      });
    });
  }

  it('lets only the owner manage admins, and nobody touch the owner', () => {
    const cases: [UserRole, UserRole, UserRole | undefined, boolean][] = [
      ['owner', 'admin', 'host', true],
      ['owner', 'member', 'admin', true],
      ['admin', 'member', 'host', true],
      ['admin', 'host', 'admin', false],
      ['admin', 'admin', 'member', false],
      ['owner', 'owner', 'admin', false],
      ['owner', 'member', 'owner', false],
      ['host', 'member', 'host', false],
      ['member', 'member', undefined, false],
    ];
    for (const [actor, target, newRole, expected] of cases) {
      expect(canManageUser(actor, target, newRole), `${actor} → ${target} as ${newRole}`).toBe(expected);
    }
  });
});
