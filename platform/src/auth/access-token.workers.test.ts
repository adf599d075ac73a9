import { env } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, expectError, type Session, sessionIdOf } from '../../test/helpers';
import { issueAccessToken, verifyAccessToken } from './access-token';

const b64 = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

let owner: Session;
beforeAll(async () => {
  owner = await createOrg('tokens');
});

describe('access tokens', () => {
  it('round-trips and carries only ids and the role', async () => {
    const claims = { userId: 'U', orgId: 'O', role: 'host', sessionId: 'S' } as const;
    const token = await issueAccessToken(env.JWT_SECRET, claims);
    expect(await verifyAccessToken(env.JWT_SECRET, token)).toEqual(claims);
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(payload.exp - payload.iat).toBe(900);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'org', 'role', 'sid', 'sub']);
  });

  it('refuses forged, altered, expired and mistyped tokens on a protected route', async () => {
    const ownerClaims = {
      userId: owner.user.id,
      orgId: owner.org.id,
      role: 'owner',
      sessionId: sessionIdOf(owner.token),
    } as const;
    const good = owner.token;
    const [header, payload] = good.split('.');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')));
    const rawKey = new TextEncoder().encode(env.JWT_SECRET);
    const sign = (alg: string, typ: string, body: object, key: Uint8Array = rawKey) =>
      new SignJWT(body as never).setProtectedHeader({ alg, typ }).sign(key);
    const bad = [
      `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
      `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}`,
      `${header}.${b64({ ...claims, role: 'owner', org: 'someone-else' })}.${good.split('.')[2]}`,
      `${good.slice(0, -3)}abc`,
      await sign('HS256', 'at+jwt', claims), // signed with the raw secret, not the derived key
      await sign('HS512', 'at+jwt', claims, new Uint8Array(64)),
      await issueAccessToken('another-deployment-secret', ownerClaims),
      await issueAccessToken(env.JWT_SECRET, ownerClaims, Date.now() - 1_000_000),
      await issueAccessToken(env.JWT_SECRET, ownerClaims, Date.now() + 3_600_000),
      'garbage',
      '',
      'a.b.c',
    ];
    for (const token of bad) {
      expect(await verifyAccessToken(env.JWT_SECRET, token), token).toBeNull();
      await expectError(await call('GET', '/api/auth/me', { token }), 401, 'unauthenticated');
    }
  });

  it('refuses a token without exp or with the wrong type even when correctly signed', async () => {
    // Re-derive the real key the way the service does, to prove required claims are checked, not just the MAC.
    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(env.JWT_SECRET), 'HKDF', false, [
      'deriveKey',
    ]);
    const key = await crypto.subtle.deriveKey(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(0),
        info: new TextEncoder().encode('castio access token v1'),
      },
      material,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      true,
      ['sign'],
    );
    const base = { org: owner.org.id, role: 'owner', sid: sessionIdOf(owner.token) };
    const issuer = (jwt: SignJWT) =>
      jwt.setSubject(owner.user.id).setIssuer('castio-platform').setAudience('castio-api');
    const noExp = await issuer(
      new SignJWT(base).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuedAt(),
    ).sign(key);
    const wrongType = await issuer(
      new SignJWT(base).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('10m'),
    ).sign(key);
    const longLived = await issuer(
      new SignJWT(base).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuedAt().setExpirationTime('2h'),
    ).sign(key);
    const noSession = await issuer(
      new SignJWT({ org: base.org, role: base.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuedAt()
        .setExpirationTime('10m'),
    ).sign(key);
    const valid = await issuer(
      new SignJWT(base).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuedAt().setExpirationTime('10m'),
    ).sign(key);
    for (const token of [noExp, wrongType, longLived, noSession])
      expect(await verifyAccessToken(env.JWT_SECRET, token)).toBeNull();
    expect(await verifyAccessToken(env.JWT_SECRET, valid)).not.toBeNull();
  });

  it('refuses a correctly signed token whose session is unknown, belongs to someone else or has ended', async () => {
    const other = await createOrg('tokens-other');
    const tokenFor = (sessionId: string) =>
      issueAccessToken(env.JWT_SECRET, { userId: owner.user.id, orgId: owner.org.id, role: 'owner', sessionId });
    const ownSession = await tokenFor(sessionIdOf(owner.token));
    expect((await call('GET', '/api/auth/me', { token: ownSession })).status).toBe(200);
    for (const token of [await tokenFor('01J00000000000000000000000'), await tokenFor(sessionIdOf(other.token))]) {
      expect(await verifyAccessToken(env.JWT_SECRET, token)).not.toBeNull();
      await expectError(await call('GET', '/api/auth/me', { token }), 401, 'unauthenticated');
    }
    await call('POST', '/api/auth/logout', { cookie: owner.cookie });
    await expectError(await call('GET', '/api/auth/me', { token: ownSession }), 401, 'unauthenticated');
  });
});
