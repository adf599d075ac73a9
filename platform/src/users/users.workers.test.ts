import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, jsonOf, PASSWORD, type Session, toSession } from '../../test/helpers';

let owner: Session;
let admin: Session;
beforeAll(async () => {
  owner = await createOrg('people');
  admin = await addMember(owner, 'admin');
});

describe('invitations', () => {
  it('registers the invitee with the invited role, once', async () => {
    const created = await jsonOf<'POST /api/users/invites'>(
      await call('POST', '/api/users/invites', {
        token: admin.token,
        body: { email: 'New.Host@people.example', role: 'host' },
      }),
    );
    expect(created.invite).toMatchObject({ email: 'new.host@people.example', role: 'host', status: 'pending' });
    expect(created.registerPath).toContain(encodeURIComponent(created.token));
    const stored = await env.DB.prepare('SELECT token_hash FROM org_invites WHERE id = ?')
      .bind(created.invite.id)
      .first<{ token_hash: string }>();
    expect(stored?.token_hash).not.toContain(created.token);

    const body = { email: 'new.host@people.example', password: PASSWORD, name: 'New Host', inviteToken: created.token };
    const registered = await jsonOf<'POST /api/auth/register'>(await call('POST', '/api/auth/register', { body }));
    expect(registered.user.role).toBe('host');
    expect(registered.org.id).toBe(owner.org.id);
    await expectError(
      await call('POST', '/api/auth/register', { body: { ...body, email: 'second@people.example' } }),
      400,
      'invalid_invite',
    );
    const list = await jsonOf<'GET /api/users/invites'>(
      await call('GET', '/api/users/invites', { token: owner.token }),
    );
    expect(list.items.find((invite) => invite.id === created.invite.id)?.status).toBe('accepted');
  });

  it('refuses an invitation used with another email, expired, or revoked', async () => {
    const make = async (email: string) =>
      jsonOf<'POST /api/users/invites'>(
        await call('POST', '/api/users/invites', { token: owner.token, body: { email } }),
      );
    const wrongEmail = await make('right@people.example');
    await expectError(
      await call('POST', '/api/auth/register', {
        body: { email: 'wrong@people.example', password: PASSWORD, name: 'X', inviteToken: wrongEmail.token },
      }),
      400,
      'invalid_invite',
    );
    const revoked = await make('revoked@people.example');
    expect((await call('DELETE', `/api/users/invites/${revoked.invite.id}`, { token: owner.token })).status).toBe(204);
    await expectError(await call('DELETE', `/api/users/invites/${revoked.invite.id}`, { token: owner.token }), 404);
    await expectError(
      await call('POST', '/api/auth/register', {
        body: { email: 'revoked@people.example', password: PASSWORD, name: 'X', inviteToken: revoked.token },
      }),
      400,
      'invalid_invite',
    );
    const expired = await make('expired@people.example');
    await env.DB.prepare("UPDATE org_invites SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(expired.invite.id)
      .run();
    await expectError(
      await call('POST', '/api/auth/register', {
        body: { email: 'expired@people.example', password: PASSWORD, name: 'X', inviteToken: expired.token },
      }),
      400,
      'invalid_invite',
    );
  });

  it('does not let admins invite admins, nor anyone invite an existing member twice', async () => {
    await expectError(
      await call('POST', '/api/users/invites', {
        token: admin.token,
        body: { email: 'boss@people.example', role: 'admin' },
      }),
      403,
    );
    expect(
      (
        await call('POST', '/api/users/invites', {
          token: owner.token,
          body: { email: 'boss@people.example', role: 'admin' },
        })
      ).status,
    ).toBe(201);
    await expectError(
      await call('POST', '/api/users/invites', { token: owner.token, body: { email: 'boss@people.example' } }),
      409,
      'invite_pending',
    );
    await expectError(
      await call('POST', '/api/users/invites', { token: owner.token, body: { email: admin.user.email } }),
      409,
      'email_taken',
    );
  });
});

describe('managing users', () => {
  it('pages through users with a cursor and filters by role and text', async () => {
    for (let i = 0; i < 3; i++) await addMember(owner, 'member', `pager${i}`);
    const first = await jsonOf<'GET /api/users'>(await call('GET', '/api/users?limit=2', { token: admin.token }));
    expect(first.items).toHaveLength(2);
    const second = await jsonOf<'GET /api/users'>(
      await call('GET', `/api/users?limit=2&cursor=${first.nextCursor}`, { token: admin.token }),
    );
    expect(second.items[0]!.id > first.items[1]!.id).toBe(true);
    const hosts = await jsonOf<'GET /api/users'>(await call('GET', '/api/users?role=owner', { token: admin.token }));
    expect(hosts.items.map((user: { id: string }) => user.id)).toEqual([owner.user.id]);
    const found = await jsonOf<'GET /api/users'>(await call('GET', '/api/users?q=pager1', { token: admin.token }));
    expect(found.items).toHaveLength(1);
  });

  it('cuts a deactivated user off at once, including their still-valid access token and refresh cookie', async () => {
    const leaver = await addMember(owner, 'member', 'leaver');
    expect((await call('GET', '/api/auth/me', { token: leaver.token })).status).toBe(200);
    const deactivated = await jsonOf<'DELETE /api/users/{userId}'>(
      await call('DELETE', `/api/users/${leaver.user.id}`, { token: admin.token }),
    );
    expect(deactivated.isActive).toBe(false);
    await expectError(await call('GET', '/api/auth/me', { token: leaver.token }), 401, 'unauthenticated');
    await expectError(await call('POST', '/api/auth/refresh', { cookie: leaver.cookie }), 401);
    await expectError(
      await call('POST', '/api/auth/login', {
        body: { email: leaver.user.email, password: PASSWORD, orgSlug: owner.org.slug },
      }),
      401,
      'invalid_credentials',
    );
  });

  it('ends the user’s sessions on a role change, access tokens included; the next sign-in has the new role', async () => {
    const host = await addMember(owner, 'host', 'promoted');
    expect(
      (await call('POST', '/api/users/invites', { token: host.token, body: { email: 'z@people.example' } })).status,
    ).toBe(403);
    const changed = await jsonOf<'PATCH /api/users/{userId}'>(
      await call('PATCH', `/api/users/${host.user.id}`, { token: owner.token, body: { role: 'admin' } }),
    );
    expect(changed.role).toBe('admin');
    await expectError(await call('GET', '/api/users', { token: host.token }), 401, 'unauthenticated');
    await expectError(await call('POST', '/api/auth/refresh', { cookie: host.cookie }), 401);
    const again = await toSession(
      await call('POST', '/api/auth/login', {
        body: { email: host.user.email, password: PASSWORD, orgSlug: owner.org.slug },
      }),
    );
    expect(again.user.role).toBe('admin');
    expect((await call('GET', '/api/users', { token: again.token })).status).toBe(200);
  });

  it('protects the owner and stops people changing their own access', async () => {
    await expectError(
      await call('PATCH', `/api/users/${owner.user.id}`, { token: admin.token, body: { role: 'member' } }),
      403,
    );
    await expectError(await call('DELETE', `/api/users/${owner.user.id}`, { token: admin.token }), 403);
    await expectError(
      await call('PATCH', `/api/users/${owner.user.id}`, { token: owner.token, body: { role: 'admin' } }),
      403,
    );
    await expectError(
      await call('PATCH', `/api/users/${admin.user.id}`, { token: admin.token, body: { isActive: false } }),
      403,
    );
    await expectError(
      await call('PATCH', `/api/users/${admin.user.id}`, { token: admin.token, body: { role: 'owner' } }),
      400,
    );
    const renamed = await jsonOf<'PATCH /api/users/{userId}'>(
      await call('PATCH', `/api/users/${admin.user.id}`, { token: admin.token, body: { name: 'Renamed Admin' } }),
    );
    expect(renamed.name).toBe('Renamed Admin');
  });

  it('lets members see only themselves', async () => {
    const member = await addMember(owner, 'member', 'curious');
    expect((await call('GET', `/api/users/${member.user.id}`, { token: member.token })).status).toBe(200);
    await expectError(await call('GET', `/api/users/${owner.user.id}`, { token: member.token }), 404);
    await expectError(
      await call('PATCH', `/api/users/${owner.user.id}`, { token: member.token, body: { name: 'Pwned' } }),
      404,
    );
  });
});
