// One stable 127.0.0.1 port per Worker script: its "workers.dev" URL. Reachable from Node's fetch, from code
// running in workerd and from Chromium (no DNS involved). The port is kept in the state, so URLs survive
// restarts. A script whose workers.dev subdomain is disabled (or that has no deployment) answers 404.
import http from 'node:http';
import { proxyHttp } from './http-proxy.mjs';

const NOTHING_HERE =
  '<!doctype html><title>There is nothing here yet</title><h1>There is nothing here yet</h1><p>If you expect something here, it may take some time. Please check back again later.</p>';

export class WorkersDevEndpoints {
  /**
   * @param {{ store: import('../state/store.ts').StateStore, runtime: import('./runtime.mjs').WorkersRuntime, faults: import('../faults/fault-plan.ts').FaultPlan }} deps
   */
  constructor({ store, runtime, faults }) {
    this.store = store;
    this.runtime = runtime;
    this.faults = faults;
    /** @type {Map<string, { server: http.Server, port: number }>} */
    this.servers = new Map();
  }

  url(scriptName) {
    const port = this.servers.get(scriptName)?.port ?? this.store.data.scripts[scriptName]?.port;
    return port ? `http://127.0.0.1:${port}` : null;
  }

  /** Opens a port for every script that has one (or needs one), closes ports of deleted scripts. */
  async sync() {
    for (const [name, entry] of this.servers) {
      if (!this.store.data.scripts[name]) {
        this.servers.delete(name);
        await new Promise((resolve) => entry.server.close(() => resolve(undefined)));
        entry.server.closeAllConnections?.();
      }
    }
    for (const script of Object.values(this.store.data.scripts)) {
      if (this.servers.has(script.name)) continue;
      const { server, port } = await this.#listen(script.name, script.port ?? 0);
      this.servers.set(script.name, { server, port });
      if (script.port !== port)
        this.store.transact((s) => {
          s.scripts[script.name].port = port;
        });
    }
  }

  async #listen(scriptName, wantedPort) {
    const server = http.createServer((req, res) => this.#handle(scriptName, req, res));
    const listenOn = (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve(/** @type {any} */ (server.address()).port);
        });
      });
    let port;
    try {
      port = await listenOn(wantedPort);
    } catch {
      port = await listenOn(0); // the old port is taken: a new one, saved in the state
    }
    return { server, port };
  }

  async #handle(scriptName, req, res) {
    await serveScript({
      scriptName,
      req,
      res,
      store: this.store,
      runtime: this.runtime,
      faults: this.faults,
      via: 'workers.dev',
    });
  }

  async close() {
    for (const { server } of this.servers.values()) {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
    this.servers.clear();
  }
}

/**
 * Serves one request with a deployed script (used by workers.dev ports and custom domains).
 * @param {{ scriptName: string, req: any, res: any, store: any, runtime: any, faults: any, via: 'workers.dev' | 'custom-domain' }} args
 */
export async function serveScript({ scriptName, req, res, store, runtime, faults, via }) {
  const script = store.data.scripts[scriptName];
  const enabled = via === 'custom-domain' || script?.subdomain?.enabled;
  const fault = faults.decide('worker', req.method ?? 'GET', scriptName);
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.timeout) return; // leave the request hanging; the client's timeout ends it
  if (fault.fail) {
    res.writeHead(fault.fail.status, { 'content-type': 'text/plain' });
    res.end(fault.fail.message ?? `local cloud: injected fault ${fault.fail.status}`);
    return;
  }
  const target = enabled ? await runtime.entryUrl(scriptName).catch(() => null) : null;
  if (!target) {
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(NOTHING_HERE);
    return;
  }
  await proxyHttp(req, res, target);
}
