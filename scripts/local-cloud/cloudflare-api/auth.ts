// Resolves the bearer token of a request and enforces account scope + permissions like Cloudflare:
//  - no credentials                 → 400, 6003 "Invalid request headers" / 6103
//  - malformed Authorization header → 400, 6003 / 6111 "Invalid format for Authorization header"
//  - unknown, disabled, expired     → 403, 10000 "Authentication error" (401, 1000 "Invalid API Token" on verify routes)
//  - missing permission             → 403, 10000 "Authentication error"
//  - another account's id           → 403, 10000; malformed account id → 400, 7003
import { CfApiError } from '../http/cf-envelope.ts';
import type { ApiToken, State } from '../state/state.ts';
import { hasPermission } from './permissions.ts';

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,}$/;

export const authenticationError = () => new CfApiError(403, 10000, 'Authentication error');

export function bearerValue(request: Request): string {
  const header = request.headers.get('authorization');
  // No bearer token: Cloudflare answers as if the legacy X-Auth-Key credentials were malformed.
  if (header === null)
    throw new CfApiError(400, 6003, 'Invalid request headers', {
      errorChain: [{ code: 6103, message: 'Invalid format for X-Auth-Key header' }],
    });
  const m = /^Bearer (.+)$/.exec(header.trim());
  const value = m?.[1];
  if (!value || !TOKEN_FORMAT.test(value))
    throw new CfApiError(400, 6003, 'Invalid request headers', {
      errorChain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
    });
  return value;
}

/** The active token with this value, if any. */
export function findActiveToken(state: State, value: string): ApiToken | null {
  const token = state.tokens.find((t) => t.value === value);
  if (!token) return null;
  if (token.status !== 'active') return null;
  const now = Date.now();
  if (token.expires_on && Date.parse(token.expires_on) <= now) return null;
  if (token.not_before && Date.parse(token.not_before) > now) return null;
  return token;
}

/** Checks a request against a route's requirements; returns the caller's token. */
export function authorize(
  state: State,
  request: Request,
  need: { permission?: string; accountId?: string; verifyRoute?: boolean },
): ApiToken {
  const value = bearerValue(request);
  const token = findActiveToken(state, value);
  if (!token) {
    if (need.verifyRoute) throw new CfApiError(401, 1000, 'Invalid API Token');
    throw authenticationError();
  }
  if (need.accountId !== undefined) {
    if (!/^[0-9a-f]{32}$/.test(need.accountId))
      throw new CfApiError(
        400,
        7003,
        `Could not route to /accounts/${need.accountId}, perhaps your object identifier is invalid?`,
        {
          extraErrors: [{ code: 7000, message: 'No route for that URI' }],
        },
      );
    if (need.accountId !== state.account.id || token.account_id !== state.account.id) throw authenticationError();
  }
  if (need.permission && !hasPermission(token.permissions, need.permission)) throw authenticationError();
  return token;
}
