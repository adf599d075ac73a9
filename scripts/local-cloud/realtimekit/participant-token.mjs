// Participant auth tokens: HS256 JWTs (RTK's are JWTs too; clients treat them as opaque).
import { createHmac, randomBytes } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
export const TOKEN_LIFETIME_SECONDS = 24 * 3600;

export class ParticipantTokens {
  /** @param {string} secret */
  constructor(secret) {
    this.secret = secret;
  }

  /** @param {{ participantId: string, meetingId: string, appId: string, presetId: string }} claims */
  issue(claims) {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        sub: claims.participantId,
        meetingId: claims.meetingId,
        orgId: claims.appId,
        presetId: claims.presetId,
        iat: now,
        exp: now + TOKEN_LIFETIME_SECONDS,
        jti: randomBytes(8).toString('hex'),
      }),
    );
    const signature = b64url(createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
    return `${header}.${payload}.${signature}`;
  }

  /** @param {string} token @returns {any | null} claims if valid and unexpired */
  verify(token) {
    const [header, payload, signature] = String(token).split('.');
    if (!header || !payload || !signature) return null;
    const expected = b64url(createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
    if (expected !== signature) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return claims.exp > Date.now() / 1000 ? claims : null;
  }
}
