// The local cloud: Cloudflare API v4 + RealtimeKit REST, offline, with uploaded Workers running in workerd.
//
//   import { startLocalCloud } from './scripts/local-cloud/index.mjs';
//   const cloud = await startLocalCloud({ port: 0, stateDir: '/tmp/x', reset: true });
//   cloud.apiBase  // http://127.0.0.1:<port>/client/v4
//   await cloud.stop();
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from './http/router.ts';
import { createMainServer } from './http/server.ts';
import { StateStore } from './state/store.ts';
import { initialState } from './state/initial-state.ts';
import { FaultPlan } from './faults/fault-plan.ts';
import { WorkersRuntime } from './workers-runtime/runtime.ts';
import { WorkersDevEndpoints, serveScript } from './workers-runtime/workers-dev-endpoints.ts';
import { TimeTravelArchive } from './cloudflare-api/d1-time-travel.ts';
import { registerTokenRoutes } from './cloudflare-api/tokens-routes.ts';
import { registerAccountRoutes } from './cloudflare-api/accounts-routes.ts';
import { registerD1Routes } from './cloudflare-api/d1-routes.ts';
import { registerKvRoutes } from './cloudflare-api/kv-routes.ts';
import { registerR2Routes } from './cloudflare-api/r2-routes.ts';
import { registerControlRoutes } from './control/control-routes.ts';
import { setUpRealtimeKit } from './realtimekit/realtimekit.ts';
import { registerMailSink } from './control/mail-sink.ts';
import { registerPlayerRoutes } from './session-player/player-routes.ts';
import { registerWorkersScriptRoutes } from './cloudflare-api/workers-scripts-routes.ts';
import { registerWorkersDeploymentRoutes } from './cloudflare-api/workers-deployments-routes.ts';
import { registerWorkersAssetRoutes } from './cloudflare-api/workers-assets-routes.ts';
import { registerWorkersRoutingRoutes } from './cloudflare-api/workers-routing-routes.ts';
import { registerWorkersControlRoutes } from './control/workers-control-routes.ts';
import { startCronTicker } from './workers-runtime/cron-ticker.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local-cloud', 'state');
export const DEFAULT_CREDENTIALS_FILE = join(REPO_ROOT, '.local-cloud', 'credentials.json');
export const DEFAULT_PORT = 8700;

/**
 * Starts the local cloud.
 * @param {object} [options]
 * @param {number} [options.port] main port (0 = ephemeral); default $LOCAL_CLOUD_PORT or 8700
 * @param {string} [options.host] default 127.0.0.1
 * @param {string} [options.stateDir] default <repo>/.local-cloud/state
 * @param {boolean} [options.reset] wipe the state folder first
 * @param {{ seed?: number, rules?: any[] }} [options.faults] initial fault plan
 * @param {string | false} [options.credentialsFile] where to write { apiBase, accountId, token, … };
 *        default <repo>/.local-cloud/credentials.json when stateDir is the default one, else not written
 * @param {boolean} [options.verbose] print workerd output and request errors
 * @param {boolean} [options.autoCrons] fire deployed Workers' cron schedules on time (default false)
 * @param {{ maxAttempts?: number, baseDelayMs?: number }} [options.webhookRetry] RTK webhook retry policy
 */
export async function startLocalCloud(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  if (options.reset && existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const log = options.verbose ? (line) => console.error(line) : () => {};

  const store = new StateStore(stateDir, initialState);
  const faults = new FaultPlan(options.faults ?? {});
  const runtime = new WorkersRuntime({ store, stateDir, verbose: options.verbose });
  const archive = new TimeTravelArchive(stateDir);
  const endpoints = new WorkersDevEndpoints({ store, runtime, faults });

  const apiRouter = new Router();
  const openRouter = new Router();
  /** Filled in once listening. */
  const context = {
    url: '',
    apiBase: '',
    store,
    faults,
    runtime,
    endpoints,
    archive,
    stateDir,
    log,
    options,
    apiRouter,
    openRouter,
    closers: [],
  };

  registerTokenRoutes(apiRouter);
  registerAccountRoutes(apiRouter, context);
  registerD1Routes(apiRouter, context);
  registerKvRoutes(apiRouter, context);
  registerR2Routes(apiRouter, context);
  registerWorkersAssetRoutes(apiRouter, context);
  registerWorkersScriptRoutes(apiRouter, context);
  registerWorkersDeploymentRoutes(apiRouter, context);
  registerWorkersRoutingRoutes(apiRouter, context);
  registerWorkersControlRoutes(openRouter, { ...context, mainUrl: () => context.url });
  const rtk = setUpRealtimeKit({
    store,
    stateDir,
    faults,
    apiRouter,
    openRouter,
    webhookRetry: options.webhookRetry,
    url: () => context.url,
  });
  context.closers.push(() => rtk.close());
  registerMailSink(openRouter, context);
  registerPlayerRoutes(openRouter, { rtk, store });

  const credentials = () => ({
    apiBase: context.apiBase,
    accountId: store.data.account.id,
    token: store.data.tokens.find((t) => t.primary).value,
    rtkAppId: store.data.rtk.apps[0]?.id,
    webhookKeysUrl: `${context.url}/.well-known/webhooks.json`,
    workersDevUrlTemplate: `${context.url}/__workers/{script}`,
    mailApiUrl: `${context.url}/__local/mail`,
  });
  registerControlRoutes(openRouter, {
    store,
    faults,
    credentials,
    info: () => ({ name: 'Castio local cloud', ...credentials(), stateDir }),
  });

  const customDomains = async (req, res) => {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const domain = store.data.domains.find((d) => d.hostname === hostname);
    if (!domain) return false;
    await serveScript({ scriptName: domain.service, req, res, store, runtime, faults, via: 'custom-domain' });
    return true;
  };

  await runtime.apply();
  await endpoints.sync();

  const server = createMainServer({ apiRouter, openRouter, store, faults, customDomains, log });
  const port = options.port ?? Number(process.env.LOCAL_CLOUD_PORT ?? DEFAULT_PORT);
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePromise(undefined));
  });
  const actualPort = /** @type {any} */ (server.address()).port;
  context.url = `http://${host}:${actualPort}`;
  context.apiBase = `${context.url}/client/v4`;
  if (options.autoCrons) context.closers.push(startCronTicker(context));

  const credentialsFile =
    options.credentialsFile ?? (stateDir === resolve(DEFAULT_STATE_DIR) ? DEFAULT_CREDENTIALS_FILE : false);
  if (credentialsFile) {
    mkdirSync(dirname(credentialsFile), { recursive: true });
    writeFileSync(credentialsFile, `${JSON.stringify(credentials(), null, 2)}\n`, { mode: 0o600 });
  }

  let stopped = false;
  return {
    url: context.url,
    apiBase: context.apiBase,
    get accountId() {
      return store.data.account.id;
    },
    get token() {
      return store.data.tokens.find((t) => t.primary).value;
    },
    get rtk() {
      return {
        apiBase: context.apiBase,
        accountId: store.data.account.id,
        appId: store.data.rtk.apps[0].id,
        token: store.data.tokens.find((t) => t.primary).value,
        webhookKeysBase: context.url,
        webhookKeysUrl: `${context.url}/.well-known/webhooks.json`,
        downloadOrigin: context.url,
      };
    },
    workersDevUrlTemplate: `${context.url}/__workers/{script}`,
    stateDir,
    credentialsFile: credentialsFile || null,
    /** @internal for tests and tools in this folder */
    context,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const close of context.closers) await close();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r(undefined)));
      await endpoints.close();
      await runtime.stop();
    },
  };
}
