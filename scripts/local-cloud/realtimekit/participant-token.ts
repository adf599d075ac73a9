// Participant auth tokens: HS256 JWTs (RTK's are JWTs too; clients treat them as opaque).
import { createHmac, randomBytes } from 'node:crypto';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
export const TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** What a token says: `sub` is the participant, `orgId` the app. */
export interface ParticipantClaims {
  sub: string;
  meetingId: string;
  orgId: string;
  presetId: string;
  iat: number;
  exp: number;
  jti: string;
}

export class ParticipantTokens {
  readonly secret: string;

  constructor(secret: string) {
    this.secret = secret;
  }

  issue(claims: { participantId: string; meetingId: string; appId: string; presetId: string }): string {
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

  /** The claims, if the token is valid and unexpired. */
  verify(token: string): ParticipantClaims | null {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return null;
    const expected = b64url(createHmac('sha256', this.secret).update(`${header}.${payload}`).digest());
    if (expected !== signature) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as ParticipantClaims;
    return claims.exp > Date.now() / 1000 ? claims : null;
  }
}
