// Resolves the bearer token of a request and enforces account scope + permissions like Cloudflare:
//  - no credentials                 → 400, 6003 "Invalid request headers" / 6103
//  - malformed Authorization header → 400, 6003 / 6111 "Invalid format for Authorization header"
//  - unknown, disabled, expired     → 403, 10000 "Authentication error" (401, 1000 "Invalid API Token" on verify routes)
//  - missing permission             → 403, 10000 "Authentication error"
//  - another account's id           → 403, 10000; malformed account id → 400, 7003
import { CfApiError } from '../http/cf-envelope.mjs';
import { hasPermission } from './permissions.mjs';

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,}$/;

export const authenticationError = () => new CfApiError(403, 10000, 'Authentication error');

/** @param {Request} request */
export function bearerValue(request) {
  const header = request.headers.get('authorization');
  if (header === null) {
    if (request.headers.get('x-auth-key') || request.headers.get('x-auth-email'))
      throw new CfApiError(400, 6003, 'Invalid request headers', {
        errorChain: [{ code: 6103, message: 'Invalid format for X-Auth-Key header' }],
      });
    throw new CfApiError(400, 6003, 'Invalid request headers', {
      errorChain: [{ code: 6103, message: 'Invalid format for X-Auth-Key header' }],
    });
  }
  const m = /^Bearer (.+)$/.exec(header.trim());
  if (!m || !TOKEN_FORMAT.test(m[1]))
    throw new CfApiError(400, 6003, 'Invalid request headers', {
      errorChain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
    });
  return m[1];
}

/**
 * @param {any} state the store's data
 * @param {string} value
 * @returns {any | null} the active token record
 */
export function findActiveToken(state, value) {
  const token = state.tokens.find((t) => t.value === value);
  if (!token) return null;
  if (token.status !== 'active') return null;
  const now = Date.now();
  if (token.expires_on && Date.parse(token.expires_on) <= now) return null;
  if (token.not_before && Date.parse(token.not_before) > now) return null;
  return token;
}

/**
 * Checks a request against a route's requirements.
 * @param {any} state
 * @param {Request} request
 * @param {{ permission?: string, accountId?: string, verifyRoute?: boolean }} need
 */
export function authorize(state, request, need) {
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
