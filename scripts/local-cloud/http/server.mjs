// The local cloud's main HTTP server: Cloudflare API v4 (+ RealtimeKit) under /client/v4, the webhook key at
// /.well-known/webhooks.json, control routes under /__local, redirects /__workers/{script} → the script's
// own port, and custom domains by Host header.
import http from 'node:http';
import { CfApiError, json, methodNotAllowed, notFoundRoute } from './cf-envelope.mjs';
import { toWebRequest, writeWebResponse } from './node-adapter.mjs';
import { authorize } from '../cloudflare-api/auth.mjs';
import { RtkApiError } from '../realtimekit/rtk-envelope.mjs';

/**
 * @param {object} deps
 * @param {import('./router.mjs').Router} deps.apiRouter   Cloudflare + RTK routes (auth + faults apply)
 * @param {import('./router.mjs').Router} deps.openRouter  control routes, well-known, downloads (no auth)
 * @param {import('../state/store.mjs').StateStore} deps.store
 * @param {import('../faults/fault-plan.mjs').FaultPlan} deps.faults
 * @param {(req: any, res: any) => Promise<boolean>} deps.customDomains  answers if the Host is a custom domain
 * @param {{ log?: (line: string) => void }} [deps.options]
 */
export function createMainServer({ apiRouter, openRouter, store, faults, customDomains, options = {} }) {
  const log = options.log ?? (() => {});
  const server = http.createServer(async (req, res) => {
    try {
      if (await customDomains(req, res)) return;
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      const request = toWebRequest(req, origin);
      const url = new URL(request.url);
      const isApi = url.pathname.startsWith('/client/v4/');
      if (isApi) {
        const fault = faults.decide('api', request.method, url.pathname);
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.timeout) {
          log(`fault: timeout ${request.method} ${url.pathname}`);
          return; // hang; the client's timeout (or socket close) ends it
        }
        if (fault.fail) {
          await request.arrayBuffer().catch(() => {});
          const isRtk = url.pathname.includes('/realtime/kit/');
          const message = fault.fail.message ?? 'Injected fault (local cloud)';
          const response = isRtk
            ? new RtkApiError(fault.fail.status, message).toResponse()
            : new CfApiError(
                fault.fail.status,
                fault.fail.code ?? 10000 + (fault.fail.status % 100),
                message,
              ).toResponse();
          await writeWebResponse(response, res, request.method);
          return;
        }
      }
      const response = await dispatch(isApi ? apiRouter : openRouter, request, url, store, isApi);
      await writeWebResponse(response, res, request.method);
    } catch (error) {
      log(`local cloud: unhandled ${error?.stack ?? error}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            success: false,
            errors: [{ code: 10002, message: 'Internal error' }],
            messages: [],
            result: null,
          }),
        );
      } else res.destroy();
    }
  });
  return server;
}

async function dispatch(router, request, url, store, isApi) {
  const match = router.match(request.method, url.pathname);
  if (!match.route) {
    if (!isApi) return json(404, { success: false, error: { message: `No local cloud route for ${url.pathname}` } });
    return (match.pathMatched ? methodNotAllowed() : notFoundRoute(url.pathname)).toResponse();
  }
  const { route, params } = match;
  try {
    let auth;
    if (isApi && !route.meta.public) {
      auth = authorize(store.data, request, {
        permission:
          typeof route.meta.permission === 'function' ? route.meta.permission(request) : route.meta.permission,
        accountId: route.meta.account ? params.accountId : undefined,
        verifyRoute: route.meta.verifyRoute,
      });
    }
    return await route.handler({ request, url, params, auth, route: route.pattern });
  } catch (error) {
    if (error instanceof CfApiError || error instanceof RtkApiError) return error.toResponse();
    throw error;
  }
}
