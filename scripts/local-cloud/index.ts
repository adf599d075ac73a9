// The local cloud: Cloudflare API v4 + RealtimeKit REST, offline, with uploaded Workers running in workerd.
//
//   import { startLocalCloud } from '@castio/local-cloud';
//   const cloud = await startLocalCloud({ port: 0, stateDir: '/tmp/x', reset: true });
//   cloud.apiBase  // http://127.0.0.1:<port>/client/v4
//   await cloud.stop();
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerAccountRoutes } from './cloudflare-api/accounts-routes.ts';
import { registerD1Routes } from './cloudflare-api/d1-routes.ts';
import { TimeTravelArchive } from './cloudflare-api/d1-time-travel.ts';
import { registerKvRoutes } from './cloudflare-api/kv-routes.ts';
import { registerR2Routes } from './cloudflare-api/r2-routes.ts';
import { registerTokenRoutes } from './cloudflare-api/tokens-routes.ts';
import { registerWorkersAssetRoutes } from './cloudflare-api/workers-assets-routes.ts';
import { registerWorkersDeploymentRoutes } from './cloudflare-api/workers-deployments-routes.ts';
import { registerWorkersRoutingRoutes } from './cloudflare-api/workers-routing-routes.ts';
import { registerWorkersScriptRoutes } from './cloudflare-api/workers-scripts-routes.ts';
import { registerControlRoutes } from './control/control-routes.ts';
import { registerMailSink } from './control/mail-sink.ts';
import { registerWorkersControlRoutes } from './control/workers-control-routes.ts';
import { type FaultConfig, FaultPlan } from './faults/fault-plan.ts';
import { Router } from './http/router.ts';
import { createMainServer } from './http/server.ts';
import { setUpRealtimeKit } from './realtimekit/realtimekit.ts';
import type { RetryPolicy } from './realtimekit/webhook-dispatcher.ts';
import { registerPlayerRoutes } from './session-player/player-routes.ts';
import { initialState } from './state/initial-state.ts';
import type { State } from './state/state.ts';
import { StateStore } from './state/store.ts';
import { startCronTicker } from './workers-runtime/cron-ticker.ts';
import { WorkersRuntime } from './workers-runtime/runtime.ts';
import { serveScript, WorkersDevEndpoints } from './workers-runtime/workers-dev-endpoints.ts';

export type { FaultRule } from './faults/fault-plan.ts';
export type { PlayOptions } from './session-player/play-options.ts';
export type { SessionTruth } from './session-player/player.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local-cloud', 'state');
export const DEFAULT_CREDENTIALS_FILE = join(REPO_ROOT, '.local-cloud', 'credentials.json');
export const DEFAULT_PORT = 8700;

export interface LocalCloudOptions {
  /** 0 = ephemeral; default $LOCAL_CLOUD_PORT or 8700. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default <repo>/.local-cloud/state. */
  stateDir?: string;
  /** Wipe the state folder first. */
  reset?: boolean;
  /** The initial fault plan. */
  faults?: FaultConfig;
  /**
   * Where to write the credentials (`LocalCloudCredentials`); default <repo>/.local-cloud/credentials.json
   * when `stateDir` is the default one, else not written.
   */
  credentialsFile?: string | false;
  /** Print workerd output and request errors. */
  verbose?: boolean;
  /** Fire deployed Workers' cron schedules on time (default false). */
  autoCrons?: boolean;
  /** RTK webhook retry policy. */
  webhookRetry?: Partial<RetryPolicy>;
}

/** What the platform's RTK client and webhook checks need. */
export interface LocalCloudRealtimeKit {
  apiBase: string;
  accountId: string;
  appId: string;
  token: string;
  webhookKeysBase: string;
  webhookKeysUrl: string;
  downloadOrigin: string;
}

/** The credentials file (and `GET /__local/credentials`). */
export interface LocalCloudCredentials {
  apiBase: string;
  accountId: string;
  token: string;
  rtkAppId: string;
  webhookKeysUrl: string;
  workersDevUrlTemplate: string;
  mailApiUrl: string;
}

export interface LocalCloud {
  /** http://127.0.0.1:<port> */
  url: string;
  /** <url>/client/v4 */
  apiBase: string;
  readonly accountId: string;
  /** The full-permission user token. */
  readonly token: string;
  readonly rtk: LocalCloudRealtimeKit;
  /** <url>/__workers/{script} */
  workersDevUrlTemplate: string;
  stateDir: string;
  /** The path written, or null. */
  credentialsFile: string | null;
  stop(): Promise<void>;
}

const primaryToken = (state: State) => {
  const token = state.tokens.find((t) => t.primary);
  if (!token) throw new Error('the state has no primary token');
  return token.value;
};

const defaultAppId = (state: State) => {
  const app = state.rtk.apps[0];
  if (!app) throw new Error('the state has no RealtimeKit app');
  return app.id;
};

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const host = options.host ?? '127.0.0.1';
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  if (options.reset && existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const log = options.verbose ? (line: string) => console.error(line) : () => {};

  const store = new StateStore(stateDir, initialState);
  const faults = new FaultPlan(options.faults ?? {});
  const runtime = new WorkersRuntime({ store, stateDir, verbose: options.verbose });
  const archive = new TimeTravelArchive(stateDir);
  const endpoints = new WorkersDevEndpoints({ store, runtime, faults });
  const deps = { store, faults, runtime, endpoints, archive, stateDir };
  /** Known once it listens. */
  let url = '';
  const apiBase = () => `${url}/client/v4`;
  const closers: (() => void | Promise<void>)[] = [];

  const apiRouter = new Router();
  const openRouter = new Router();
  registerTokenRoutes(apiRouter);
  registerAccountRoutes(apiRouter, deps);
  registerD1Routes(apiRouter, deps);
  registerKvRoutes(apiRouter, deps);
  registerR2Routes(apiRouter, deps);
  registerWorkersAssetRoutes(apiRouter, deps);
  registerWorkersScriptRoutes(apiRouter, deps);
  registerWorkersDeploymentRoutes(apiRouter, deps);
  registerWorkersRoutingRoutes(apiRouter, deps);
  registerWorkersControlRoutes(openRouter, { ...deps, mainUrl: () => url });
  const rtk = setUpRealtimeKit({
    ...deps,
    apiRouter,
    openRouter,
    webhookRetry: options.webhookRetry,
    url: () => url,
  });
  closers.push(() => rtk.close());
  registerMailSink(openRouter, deps);
  registerPlayerRoutes(openRouter, { rtk, store });

  const credentials = (): LocalCloudCredentials => ({
    apiBase: apiBase(),
    accountId: store.data.account.id,
    token: primaryToken(store.data),
    rtkAppId: defaultAppId(store.data),
    webhookKeysUrl: `${url}/.well-known/webhooks.json`,
    workersDevUrlTemplate: `${url}/__workers/{script}`,
    mailApiUrl: `${url}/__local/mail`,
  });
  registerControlRoutes(openRouter, {
    store,
    faults,
    credentials,
    info: () => ({ name: 'Castio local cloud', ...credentials(), stateDir }),
  });

  const customDomains = async (req: IncomingMessage, res: ServerResponse) => {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const domain = store.data.domains.find((d) => d.hostname === hostname);
    if (!domain) return false;
    await serveScript({ ...deps, scriptName: domain.service, req, res, via: 'custom-domain' });
    return true;
  };

  await runtime.apply();
  await endpoints.sync();

  const server = createMainServer({ apiRouter, openRouter, store, faults, customDomains, log });
  const port = options.port ?? Number(process.env.LOCAL_CLOUD_PORT ?? DEFAULT_PORT);
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, host, () => listening());
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  if (options.autoCrons) closers.push(startCronTicker({ store, runtime, log }));

  const credentialsFile =
    options.credentialsFile ?? (stateDir === resolve(DEFAULT_STATE_DIR) ? DEFAULT_CREDENTIALS_FILE : false);
  if (credentialsFile) {
    mkdirSync(dirname(credentialsFile), { recursive: true });
    writeFileSync(credentialsFile, `${JSON.stringify(credentials(), null, 2)}\n`, { mode: 0o600 });
  }

  let stopped = false;
  return {
    url,
    apiBase: apiBase(),
    get accountId() {
      return store.data.account.id;
    },
    get token() {
      return primaryToken(store.data);
    },
    get rtk() {
      return {
        apiBase: apiBase(),
        accountId: store.data.account.id,
        appId: defaultAppId(store.data),
        token: primaryToken(store.data),
        webhookKeysBase: url,
        webhookKeysUrl: `${url}/.well-known/webhooks.json`,
        downloadOrigin: url,
      };
    },
    workersDevUrlTemplate: `${url}/__workers/{script}`,
    stateDir,
    credentialsFile: credentialsFile || null,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const close of closers) await close();
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
      await endpoints.close();
      await runtime.stop();
    },
  };
}
