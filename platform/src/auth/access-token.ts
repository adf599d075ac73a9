import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { newId } from '@castio/shared/ids';
import { USER_ROLES, type UserRole } from '@castio/shared/rbac';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'castio-platform';
const AUDIENCE = 'castio-api';
/** RFC 9068 type: an access token can never be confused with another kind of JWT we sign. */
const TOKEN_TYPE = 'at+jwt';
const KEY_ID = 'v1';

export interface AccessClaims {
  userId: string;
  orgId: string;
  role: UserRole;
  /** The sign-in session (refresh-token family) the token belongs to: ending the session refuses the token. */
  sessionId: string;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** A signing key derived from JWT_SECRET with HKDF, so other uses of the secret get unrelated keys. */
function signingKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
        'deriveKey',
      ]);
      return crypto.subtle.deriveKey(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: new Uint8Array(0),
          info: new TextEncoder().encode('castio access token v1'),
        },
        material,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        false,
        ['sign', 'verify'],
      );
    })();
    keyCache.set(secret, key);
  }
  return key;
}

export async function issueAccessToken(secret: string, claims: AccessClaims, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ org: claims.orgId, role: claims.role, sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: TOKEN_TYPE, kid: KEY_ID })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(newId())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
    .sign(await signingKey(secret));
}

/** Verifies signature, algorithm, type, issuer, audience and lifetime; returns null for any bad token. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub', 'org', 'sid'],
      maxTokenAge: ACCESS_TOKEN_TTL_SECONDS + 5,
      clockTolerance: 5,
    });
    const role = payload.role as UserRole;
    if (typeof payload.org !== 'string' || typeof payload.sid !== 'string') return null;
    if (!USER_ROLES.includes(role) || !payload.sub) return null;
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > ACCESS_TOKEN_TTL_SECONDS) return null;
    return { userId: payload.sub, orgId: payload.org, role, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}
