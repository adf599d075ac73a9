// Token verification (user + account tokens).
import { CfApiError, cfOk } from '../http/cf-envelope.ts';

const VALID_MESSAGE = [{ code: 10000, message: 'This API Token is valid and active', type: null }];

const verifyResult = (token) => {
  const result = { id: token.id, status: token.status };
  if (token.expires_on) result.expires_on = token.expires_on;
  if (token.not_before) result.not_before = token.not_before;
  return result;
};

/** @param {import('../http/router.ts').Router} router */
export function registerTokenRoutes(router) {
  router.add('GET', '/client/v4/user/tokens/verify', { verifyRoute: true }, ({ auth }) => {
    // Account-owned tokens are not user tokens: Cloudflare answers 401 / 1000 here.
    if (auth.kind === 'account') throw new CfApiError(401, 1000, 'Invalid API Token');
    return cfOk(verifyResult(auth), { messages: VALID_MESSAGE });
  });
  router.add('GET', '/client/v4/accounts/:accountId/tokens/verify', { verifyRoute: true, account: true }, ({ auth }) =>
    cfOk(verifyResult(auth), { messages: VALID_MESSAGE }),
  );
}
