import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/auth/access-token';
import { addMember, call, createOrg, type Session, sessionIdOf } from '../helpers';
import { apiOperations, fillPath, type ApiOperation } from '../openapi-routes';
import { can, USER_ROLES, type Permission, type UserRole } from '@castio/shared/rbac';

/**
 * Every route of the OpenAPI document × every caller: the four roles, no token, an expired token, a token of
 * a deactivated user, a forged token, and a token from another org. Expected cells come from policy.ts
 * through each route's `x-castio-access`. Object ids that don't exist keep allowed calls side-effect free.
 */
type Caller = UserRole | 'anonymous' | 'expired' | 'deactivated' | 'forged' | 'other-org-owner';

let sessions: Record<UserRole, Session>;
let tokens: Record<Caller, string | undefined>;
let operations: ApiOperation[];

beforeAll(async () => {
  const owner = await createOrg('matrix');
  sessions = {
    owner,
    admin: await addMember(owner, 'admin'),
    host: await addMember(owner, 'host'),
    member: await addMember(owner, 'member'),
  };
  const leaver = await addMember(owner, 'member', 'leaver');
  await call('DELETE', `/api/users/${leaver.user.id}`, { token: owner.token });
  const otherOwner = await createOrg('elsewhere');
  tokens = {
    ...(Object.fromEntries(USER_ROLES.map((role) => [role, sessions[role].token])) as Record<UserRole, string>),
    anonymous: undefined,
    expired: await issueAccessToken(
      env.JWT_SECRET,
      { userId: owner.user.id, orgId: owner.org.id, role: 'owner', sessionId: sessionIdOf(owner.token) },
      Date.now() - 16 * 60_000,
    ),
    deactivated: leaver.token,
    forged: await issueAccessToken('not-the-deployment-secret', {
      userId: owner.user.id,
      orgId: owner.org.id,
      role: 'owner',
      sessionId: sessionIdOf(owner.token),
    }),
    'other-org-owner': otherOwner.token,
  };
  operations = (await apiOperations()).operations;
});

function expectedOutcome(access: string, caller: Caller): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous' || caller === 'expired' || caller === 'deactivated' || caller === 'forged') return 401;
  if (caller === 'other-org-owner' || access === 'authenticated') return 'allowed';
  return can(caller, access as Permission) ? 'allowed' : 403;
}

describe('RBAC matrix (every route × every caller)', () => {
  it('declares an access rule on every API route', async () => {
    const { operations } = await apiOperations();
    expect(operations.length).toBeGreaterThan(10);
    for (const operation of operations) expect(operation.access, `${operation.method} ${operation.path}`).toBeTruthy();
  });

  const callers: Caller[] = [...USER_ROLES, 'anonymous', 'expired', 'deactivated', 'forged', 'other-org-owner'];
  for (const caller of callers) {
    it(`enforces the policy for ${caller}`, async () => {
      const mismatches: string[] = [];
      for (const route of operations) {
        const url = fillPath(route.path, { orgId: sessions.owner.org.id });
        const response = await call(route.method, url, {
          token: tokens[caller],
          ...(route.operation.requestBody?.content?.['application/json'] ? { body: {} } : {}),
        });
        const expected = expectedOutcome(route.access, caller);
        // Public routes may still answer 401 for their own credentials (a missing refresh cookie, a wrong password).
        const refused = route.access === 'public' ? [403] : [401, 403];
        const ok = expected === 'allowed' ? !refused.includes(response.status) : response.status === expected;
        if (!ok) mismatches.push(`${route.method} ${route.path}: expected ${expected}, got ${response.status}`);
        if (response.status >= 500) mismatches.push(`${route.method} ${route.path}: server error ${response.status}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
