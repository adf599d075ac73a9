// Token verification (user + account tokens).
import { CfApiError, cfOk } from '../http/cf-envelope.ts';
import type { RouteContext, Router } from '../http/router.ts';

const VALID_MESSAGE = [{ code: 10000, message: 'This API Token is valid and active', type: null }];

const verified = ({ auth }: RouteContext<unknown>) => {
  if (!auth) throw new CfApiError(401, 1000, 'Invalid API Token');
  const { id, status, expires_on, not_before } = auth;
  return cfOk(
    { id, status, ...(expires_on ? { expires_on } : {}), ...(not_before ? { not_before } : {}) },
    { messages: VALID_MESSAGE },
  );
};

export function registerTokenRoutes(router: Router): void {
  router.add('GET', '/client/v4/user/tokens/verify', { verifyRoute: true }, (ctx) => {
    // Account-owned tokens are not user tokens: Cloudflare answers 401 / 1000 here.
    if (ctx.auth?.kind === 'account') throw new CfApiError(401, 1000, 'Invalid API Token');
    return verified(ctx);
  });
  router.add('GET', '/client/v4/accounts/:accountId/tokens/verify', { verifyRoute: true, account: true }, verified);
}
