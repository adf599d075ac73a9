// The local cloud's main HTTP server: Cloudflare API v4 (+ RealtimeKit) under /client/v4, the webhook key at
// /.well-known/webhooks.json, control routes under /__local, redirects /__workers/{script} → the script's
// own port, and custom domains by Host header.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { CfApiError, json, methodNotAllowed, notFoundRoute } from './cf-envelope.ts';
import { toWebRequest, writeWebResponse } from './node-adapter.ts';
import { authorize } from '../cloudflare-api/auth.ts';
import { RtkApiError } from '../realtimekit/rtk-envelope.ts';
import type { FaultPlan } from '../faults/fault-plan.ts';
import type { StateStore } from '../state/store.ts';
import type { Router } from './router.ts';
import type { ApiToken } from '../state/state.ts';

export interface MainServerDeps {
  /** Cloudflare + RTK routes (auth + faults apply). */
  apiRouter: Router;
  /** Control routes, well-known, downloads (no auth). */
  openRouter: Router;
  store: StateStore;
  faults: FaultPlan;
  /** Answers (and returns true) if the Host is a custom domain. */
  customDomains: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  log: (line: string) => void;
}

export function createMainServer({ apiRouter, openRouter, store, faults, customDomains, log }: MainServerDeps) {
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
      log(`local cloud: unhandled ${error instanceof Error ? error.stack : error}`);
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

async function dispatch(
  router: Router,
  request: Request,
  url: URL,
  store: StateStore,
  isApi: boolean,
): Promise<Response> {
  const match = router.match(request.method, url.pathname);
  if (!match.route) {
    if (!isApi) return json(404, { success: false, error: { message: `No local cloud route for ${url.pathname}` } });
    return (match.pathMatched ? methodNotAllowed() : notFoundRoute(url.pathname)).toResponse();
  }
  const { route, params } = match;
  try {
    let auth: ApiToken | undefined;
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
