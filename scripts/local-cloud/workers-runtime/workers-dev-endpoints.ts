// One stable 127.0.0.1 port per Worker script: its "workers.dev" URL. Reachable from Node's fetch, from code
// running in workerd and from Chromium (no DNS involved). The port is kept in the state, so URLs survive
// restarts. A script whose workers.dev subdomain is disabled (or that has no deployment) answers 404.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultPlan } from '../faults/fault-plan.ts';
import type { StateStore } from '../state/store.ts';
import { proxyHttp } from './http-proxy.ts';
import type { WorkersRuntime } from './runtime.ts';

/** What serving a script's requests needs. */
export interface ScriptServingDeps {
  store: StateStore;
  runtime: WorkersRuntime;
  faults: FaultPlan;
}

const NOTHING_HERE =
  '<!doctype html><title>There is nothing here yet</title><h1>There is nothing here yet</h1><p>If you expect something here, it may take some time. Please check back again later.</p>';

export class WorkersDevEndpoints {
  readonly deps: ScriptServingDeps;
  readonly servers = new Map<string, { server: http.Server; port: number }>();

  constructor(deps: ScriptServingDeps) {
    this.deps = deps;
  }

  /** Its workers.dev URL, or null if it has no port. */
  url(scriptName: string): string | null {
    const port = this.servers.get(scriptName)?.port ?? this.deps.store.data.scripts[scriptName]?.port;
    return port ? `http://127.0.0.1:${port}` : null;
  }

  /** Opens a port for every script that has one (or needs one), closes ports of deleted scripts. */
  async sync(): Promise<void> {
    const { store } = this.deps;
    for (const [name, entry] of this.servers) {
      if (!store.data.scripts[name]) {
        this.servers.delete(name);
        await new Promise((resolve) => entry.server.close(resolve));
        entry.server.closeAllConnections();
      }
    }
    for (const script of Object.values(store.data.scripts)) {
      if (this.servers.has(script.name)) continue;
      const { server, port } = await this.#listen(script.name, script.port ?? 0);
      this.servers.set(script.name, { server, port });
      if (script.port !== port)
        store.transact((s) => {
          const saved = s.scripts[script.name];
          if (saved) saved.port = port;
        });
    }
  }

  async #listen(scriptName: string, wantedPort: number): Promise<{ server: http.Server; port: number }> {
    const server = http.createServer((req, res) =>
      serveScript({ ...this.deps, scriptName, req, res, via: 'workers.dev' }),
    );
    const listenOn = (port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    // The old port may be taken: then a new one, saved in the state.
    const port = await listenOn(wantedPort).catch(() => listenOn(0));
    return { server, port };
  }

  async close(): Promise<void> {
    for (const { server } of this.servers.values()) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    this.servers.clear();
  }
}

/** Serves one request with a deployed script (used by workers.dev ports and custom domains). */
export async function serveScript({
  scriptName,
  req,
  res,
  store,
  runtime,
  faults,
  via,
}: ScriptServingDeps & {
  scriptName: string;
  req: IncomingMessage;
  res: ServerResponse;
  via: 'workers.dev' | 'custom-domain';
}): Promise<void> {
  const script = store.data.scripts[scriptName];
  const enabled = via === 'custom-domain' || script?.subdomain.enabled;
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
