import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  call,
  expectError,
  freshIp,
  jsonOf,
  PASSWORD,
  refreshCookieOf,
  sessionIdOf,
  toSession,
} from '../../test/helpers';

const singleOrg = { env: { ...env, ALLOW_ORG_SIGNUP: 'false' } };

describe('first registration and org policy', () => {
  it('creates the org and its owner on an empty deployment, then never a second org', async () => {
    const first = await call('POST', '/api/auth/register', {
      ...singleOrg,
      body: { email: 'Founder@Acme.example', password: PASSWORD, name: 'Founder', orgName: 'Acme', orgSlug: 'acme' },
    });
    expect(first.status).toBe(201);
    const session = await toSession(first);
    expect(session.user).toMatchObject({ email: 'founder@acme.example', role: 'owner' });
    expect(session.org).toMatchObject({ name: 'Acme', slug: 'acme' });
    expect(JSON.stringify(session)).not.toContain('refresh');

    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-castio_rt=[A-Za-z0-9_-]{43};/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) expect(cookie).toContain(attribute);
    expect(cookie).not.toMatch(/Domain=/i);

    const secondOrg = await call('POST', '/api/auth/register', {
      ...singleOrg,
      body: { email: 'other@else.example', password: PASSWORD, name: 'Other', orgName: 'Else', orgSlug: 'else' },
    });
    await expectError(secondOrg, 403, 'forbidden');
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM organizations').first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it('refuses self sign-up into an invite-only org (the default) and allows it once the org opens up', async () => {
    const body = { email: 'walkin@acme.example', password: PASSWORD, name: 'Walk In' };
    await expectError(await call('POST', '/api/auth/register', { ...singleOrg, body }), 403, 'invite_required');

    const owner = await toSession(
      await call('POST', '/api/auth/login', {
        ...singleOrg,
        body: { email: 'founder@acme.example', password: PASSWORD },
      }),
    );
    const opened = await call('PATCH', '/api/org/settings', {
      ...singleOrg,
      token: owner.token,
      body: { inviteOnlyRegistration: false },
    });
    expect(opened.status).toBe(200);
    const member = await toSession(await call('POST', '/api/auth/register', { ...singleOrg, body }));
    expect(member.user.role).toBe('member');
    await expectError(await call('POST', '/api/auth/register', { ...singleOrg, body }), 409, 'email_taken');
  });
});

describe('registration limits', () => {
  it('allows 3 sign-ups per IP per hour, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await call('POST', '/api/auth/register', {
        ...singleOrg,
        ip: '192.0.2.77',
        body: { email: `flood${i}@acme.example`, password: PASSWORD, name: 'Flood' },
      });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(3000);
    }
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
  });

  it('counts IPv6 sign-ups per /64, however the addresses are spelled', async () => {
    const register = (ip: string, i: number) =>
      call('POST', '/api/auth/register', {
        ...singleOrg,
        ip,
        body: { email: `v6flood${i}@acme.example`, password: PASSWORD, name: 'Flood' },
      });
    const sameNetwork = ['2001:db8:77:1::1', '2001:DB8:77:1:ffff:ffff:ffff:fffe', '2001:db8:77:1:0:0:0:9%eth0'];
    for (const [i, ip] of sameNetwork.entries()) expect((await register(ip, i)).status, ip).toBe(201);
    await expectError(await register('2001:0db8:0077:0001:1234::5', 3), 429, 'rate_limited');
    expect((await register('2001:db8:77:2::1', 4)).status).toBe(201);
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', async () => {
    const register = (ip: string, i: number) =>
      call('POST', '/api/auth/register', {
        ...singleOrg,
        ip,
        body: { email: `mapped${i}@acme.example`, password: PASSWORD, name: 'Mapped' },
      });
    for (const [i, ip] of ['192.0.2.78', '::ffff:192.0.2.78', '::FFFF:c000:24e'].entries())
      expect((await register(ip, i)).status, ip).toBe(201);
    await expectError(await register('192.0.2.78', 3), 429, 'rate_limited');
  });
});

describe('login', () => {
  it('answers identically for an unknown user and a wrong password', async () => {
    const unknown = await call('POST', '/api/auth/login', {
      ...singleOrg,
      body: { email: 'nobody@acme.example', password: PASSWORD },
    });
    const wrong = await call('POST', '/api/auth/login', {
      ...singleOrg,
      body: { email: 'founder@acme.example', password: 'wrong password!' },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it('counts failed sign-ins from one IPv6 /64 together, whichever address and account they use', async () => {
    const attempt = (i: number) =>
      call('POST', '/api/auth/login', {
        ...singleOrg,
        ip: `2001:db8:5:6:${i.toString(16)}::1`,
        body: { email: `stuffed${i}@acme.example`, password: 'guess guess guess' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await attempt(i)).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    await expectError(await attempt(21), 429, 'rate_limited');
  });

  it('returns the user and a working access token', async () => {
    const response = await call('POST', '/api/auth/login', {
      ...singleOrg,
      body: { email: 'FOUNDER@acme.example', password: PASSWORD },
    });
    const session = await toSession(response);
    const me = await jsonOf<'GET /api/auth/me'>(
      await call('GET', '/api/auth/me', { ...singleOrg, token: session.token }),
    );
    expect(me.user).toMatchObject({ email: 'founder@acme.example', role: 'owner' });
    expect(me.user.lastLoginAt).toBeTruthy();
  });
});

// Each failed attempt runs a real password check (Argon2id), and these make dozens of them.
describe('sign-in limits', { timeout: 60_000 }, () => {
  const attempt = (email: string, password: string, ip: string, orgSlug?: string) =>
    call('POST', '/api/auth/login', { ...singleOrg, ip, body: { email, password, ...(orgSlug ? { orgSlug } : {}) } });
  let accounts = 0;
  /** A fresh account of the open org; the network it signs up from becomes one it has signed in from. */
  const signUp = async (ip = freshIp()) => {
    const email = `limited${++accounts}@acme.example`;
    await toSession(
      await call('POST', '/api/auth/register', { ...singleOrg, ip, body: { email, password: PASSWORD, name: 'Ltd' } }),
    );
    return { email, signUpIp: ip };
  };
  const statusCounts = (responses: Response[]) => {
    const counts: Record<number, number> = {};
    for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  };

  it('allows 5 failures per account from one network, counted consistently under concurrency', async () => {
    const { email } = await signUp();
    const ip = freshIp();
    const attempts = await Promise.all(Array.from({ length: 12 }, () => attempt(email, 'guess guess guess', ip)));
    expect(statusCounts(attempts)).toEqual({ 401: 5, 429: 7 });
    const limited = attempts.find((response) => response.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(limited, 429, 'rate_limited');
    // The right password from that network is refused too: the lockout is not a password oracle.
    await expectError(await attempt(email, PASSWORD, ip), 429, 'rate_limited');
  });

  it('counts naming the org and leaving it out as the same account', async () => {
    const { email } = await signUp();
    const ip = freshIp();
    for (let i = 0; i < 5; i++)
      expect((await attempt(email, 'guess guess guess', ip, i % 2 ? 'acme' : undefined)).status).toBe(401);
    await expectError(await attempt(email, 'guess guess guess', ip, 'acme'), 429, 'rate_limited');
    await expectError(await attempt(email, 'guess guess guess', ip), 429, 'rate_limited');
  });

  it('lets the owner in with the right password from another network while an attacker is locked out', async () => {
    const { email } = await signUp();
    const attacker = '2001:db8:bad:1::1';
    for (let i = 0; i < 5; i++) expect((await attempt(email, `guess number ${i}`, attacker)).status).toBe(401);
    await expectError(await attempt(email, 'guess number 6', attacker), 429, 'rate_limited');
    // A network the owner never used before, and one in the attacker's neighbourhood but another /64.
    expect((await attempt(email, PASSWORD, freshIp())).status).toBe(200);
    expect((await attempt(email, PASSWORD, '2001:db8:bad:2::1')).status).toBe(200);
  });

  it('bounds guesses spread over many networks by the per-account limit; known networks still get in', async () => {
    const { email, signUpIp } = await signUp();
    const ips = Array.from(
      { length: 40 },
      (_, i) => `2001:db8:${(0x100 + accounts).toString(16)}:${i.toString(16)}::1`,
    );
    const guesses = await Promise.all(ips.map((ip, i) => attempt(email, `distributed guess ${i}`, ip)));
    expect(statusCounts(guesses)).toEqual({ 401: 30, 429: 10 });

    // A stranger's network, even with the right password, is refused without the password being checked.
    const fromNewNetwork = await attempt(email, PASSWORD, freshIp());
    expect(Number(fromNewNetwork.headers.get('retry-after'))).toBeGreaterThanOrEqual(3000);
    const error = await expectError<{ retryAfterSeconds: number }>(fromNewNetwork, 429, 'rate_limited');
    expect(error.message).toContain('network you have used before');
    expect(error.details?.retryAfterSeconds).toBe(Number(fromNewNetwork.headers.get('retry-after')));

    // The owner's network (they signed up from it) is not counted against that limit.
    expect((await attempt(email, PASSWORD, signUpIp)).status).toBe(200);
    // An unknown account answers the same way, so the limit does not tell which accounts exist.
    const nobody = `nobody-${accounts}@acme.example`;
    await Promise.all(ips.slice(0, 31).map((ip, i) => attempt(nobody, `distributed guess ${i}`, ip)));
    const unknownAccount = await expectError(await attempt(nobody, PASSWORD, freshIp()), 429, 'rate_limited');
    expect(unknownAccount.message).toBe(error.message);
  });

  it('counts a network where a sign-in succeeded as known from then on', async () => {
    const { email } = await signUp();
    const travelling = freshIp();
    expect((await attempt(email, PASSWORD, travelling)).status).toBe(200);
    await Promise.all(
      Array.from({ length: 31 }, (_, i) =>
        attempt(email, `distributed guess ${i}`, `2001:db8:77:${i.toString(16)}::1`),
      ),
    );
    await expectError(await attempt(email, PASSWORD, freshIp()), 429, 'rate_limited');
    expect((await attempt(email, PASSWORD, travelling)).status).toBe(200);
  });

  it('does not count successful sign-ins: a busy office behind one address keeps signing in', async () => {
    const { email } = await signUp();
    const office = freshIp();
    // One more than the network's allowance of 20 failures a minute.
    for (let i = 0; i < 21; i++) expect((await attempt(email, PASSWORD, office)).status, `sign-in ${i}`).toBe(200);
  });
});

describe('refresh tokens', () => {
  const signIn = async () =>
    toSession(
      await call('POST', '/api/auth/login', {
        ...singleOrg,
        body: { email: 'founder@acme.example', password: PASSWORD },
      }),
    );

  it('rotates on every use: the new cookie works, the old one does not', async () => {
    const session = await signIn();
    const refreshed = await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie });
    expect(refreshed.status).toBe(200);
    const next = refreshCookieOf(refreshed);
    expect(next).not.toBe(session.cookie);
    const body = await jsonOf<'POST /api/auth/refresh'>(refreshed);
    expect((await call('GET', '/api/auth/me', { ...singleOrg, token: body.accessToken })).status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: next })).status).toBe(200);
  });

  it('lets exactly one of 10 concurrent refreshes win', async () => {
    const session = await signIn();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie })),
    );
    expect(results.filter((response) => response.status === 200)).toHaveLength(1);
    expect(results.filter((response) => response.status === 409)).toHaveLength(9);
  });

  it('revokes the whole family when a rotated token comes back after the grace period', async () => {
    const session = await signIn();
    const child = refreshCookieOf(await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie }));
    // Age the rotation past the 10 s grace window.
    await env.DB.prepare(
      "UPDATE refresh_tokens SET revoked_at = '2020-01-01T00:00:00.000Z' WHERE replaced_by IS NOT NULL AND revoked_at > '2021'",
    ).run();
    await expectError(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie }),
      401,
      'invalid_refresh_token',
    );
    await expectError(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: child }),
      401,
      'invalid_refresh_token',
    );
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM security_events WHERE event_type = 'refresh_token_reused'",
    ).first<{ n: number }>();
    expect(events?.n).toBeGreaterThanOrEqual(1);
  });

  it('refuses a missing, garbage or logged-out cookie', async () => {
    await expectError(await call('POST', '/api/auth/refresh', singleOrg), 401, 'invalid_refresh_token');
    await expectError(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: '__Host-castio_rt=nonsense' }),
      401,
    );
    const session = await signIn();
    const logout = await call('POST', '/api/auth/logout', { ...singleOrg, cookie: session.cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/__Host-castio_rt=;.*Max-Age=0/);
    await expectError(await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie }), 401);
  });

  it('logout everywhere ends every session of the user', async () => {
    const [first, second] = [await signIn(), await signIn()];
    const response = await call('POST', '/api/auth/logout?everywhere=true', {
      ...singleOrg,
      token: first.token,
      cookie: first.cookie,
    });
    expect(response.status).toBe(204);
    await expectError(await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: second.cookie }), 401);
  });
});

describe('access tokens end with their session', () => {
  const me = (token: string) => call('GET', '/api/auth/me', { ...singleOrg, token });
  const signIn = async () =>
    toSession(
      await call('POST', '/api/auth/login', {
        ...singleOrg,
        body: { email: 'founder@acme.example', password: PASSWORD },
      }),
    );

  it('logout everywhere refuses every access token issued before it, at once', async () => {
    const sessions = [await signIn(), await signIn(), await signIn()];
    const refreshed = await jsonOf<'POST /api/auth/refresh'>(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: sessions[2]!.cookie }),
    );
    const tokens = [...sessions.map((session) => session.token), refreshed.accessToken as string];
    for (const token of tokens) expect((await me(token)).status).toBe(200);

    const logout = await call('POST', '/api/auth/logout?everywhere=true', {
      ...singleOrg,
      token: sessions[0]!.token,
      cookie: sessions[0]!.cookie,
    });
    expect(logout.status).toBe(204);
    for (const token of tokens) await expectError(await me(token), 401, 'unauthenticated');
    // Signing in again afterwards starts a session that works.
    expect((await me((await signIn()).token)).status).toBe(200);
  });

  it('a plain logout ends its own access token and leaves other sessions working', async () => {
    const [leaving, staying] = [await signIn(), await signIn()];
    const logout = await call('POST', '/api/auth/logout', { ...singleOrg, cookie: leaving.cookie });
    expect(logout.status).toBe(204);
    await expectError(await me(leaving.token), 401, 'unauthenticated');
    expect((await me(staying.token)).status).toBe(200);
    expect((await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: staying.cookie })).status).toBe(200);
  });

  it('refuses to rotate a refresh token of an ended session, even one inserted after the session ended', async () => {
    // A rotation claimed just before the session ended inserts its successor afterwards: live token, ended session.
    const session = await signIn();
    await env.DB.prepare("UPDATE auth_sessions SET ended_at = '2020-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(sessionIdOf(session.token))
      .run();
    await expectError(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: session.cookie }),
      401,
      'invalid_refresh_token',
    );
  });

  it('a refresh token that comes back after rotation ends the access tokens of its session too', async () => {
    const stolen = await signIn();
    const rotated = await jsonOf<'POST /api/auth/refresh'>(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: stolen.cookie }),
    );
    await env.DB.prepare(
      "UPDATE refresh_tokens SET revoked_at = '2020-01-01T00:00:00.000Z' WHERE replaced_by IS NOT NULL AND revoked_at > '2021'",
    ).run();
    await expectError(
      await call('POST', '/api/auth/refresh', { ...singleOrg, cookie: stolen.cookie }),
      401,
      'invalid_refresh_token',
    );
    await expectError(await me(rotated.accessToken), 401, 'unauthenticated');
  });
});
