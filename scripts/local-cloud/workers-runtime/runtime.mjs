// Runs everything uploaded through the API in ONE Miniflare (workerd) instance:
//  - "~storage": a Worker bound to every D1 database, KV namespace and R2 bucket of the account, which the
//    REST API uses (so the D1 query API touches the very SQLite a deployed Worker sees);
//  - one Worker per deployed script (named like the script, so Durable Object storage survives deployments),
//    plus "<script>~<versionId>" and "~split~<script>" when a deployment splits traffic between two versions.
// Every change of the account's configuration is applied with setOptions (workerd restarts in ~150 ms; all
// persisted data stays). Applies are serialised.
import { Log, LogLevel, Miniflare } from 'miniflare';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { workerOptionsForVersion } from './bindings-to-miniflare.mjs';
import { splitRouterScript } from './split-router-script.mjs';

export const STORAGE_WORKER = '~storage';

export const d1BindingName = (id) => `D1_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
export const kvBindingName = (id) => `KV_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
export const r2BindingName = (name) => `R2_${Buffer.from(name).toString('hex')}`;

/** The deployment that currently serves a script, as [{ version, percentage }] sorted by share. */
export function servingVersions(script) {
  const deployment = script.deployments.at(-1);
  if (!deployment) return [];
  return deployment.versions
    .map((v) => ({ version: script.versions.find((x) => x.id === v.version_id), percentage: v.percentage }))
    .filter((v) => v.version)
    .sort((a, b) => b.percentage - a.percentage);
}

export class WorkersRuntime {
  /**
   * @param {{ store: import('../state/store.ts').StateStore, stateDir: string, verbose?: boolean }} options
   */
  constructor({ store, stateDir, verbose = false }) {
    this.store = store;
    this.stateDir = stateDir;
    this.persistRoot = join(stateDir, 'miniflare');
    this.verbose = verbose;
    /** @type {Miniflare | null} */
    this.mf = null;
    this.queue = Promise.resolve();
    /** @type {Map<string, string>} script name → internal URL of the Worker that takes its requests */
    this.entryUrls = new Map();
    /** @type {Map<string, string>} script name → Miniflare worker name that runs crons */
    this.cronWorkers = new Map();
    this.recentStderr = [];
    mkdirSync(this.persistRoot, { recursive: true });
  }

  versionDir(scriptName, versionId) {
    return join(this.stateDir, 'scripts', scriptName, versionId);
  }

  buildOptions() {
    const state = this.store.data;
    /** @type {any} */
    const storage = {
      name: STORAGE_WORKER,
      modules: true,
      script: 'export default { fetch() { return new Response("local cloud storage"); } }',
      compatibilityDate: '2025-09-01',
      d1Databases: Object.fromEntries(state.d1.map((db) => [d1BindingName(db.uuid), db.uuid])),
      kvNamespaces: Object.fromEntries(state.kv.map((ns) => [kvBindingName(ns.id), ns.id])),
      r2Buckets: Object.fromEntries(state.r2.map((b) => [r2BindingName(b.name), b.name])),
    };
    const workers = [storage];
    const entries = new Map();
    const crons = new Map();
    const plan = [];
    const running = new Set();
    for (const script of Object.values(state.scripts)) {
      const serving = servingVersions(script);
      if (!serving.length) continue;
      running.add(script.name);
      plan.push({ script, serving });
    }
    for (const { script, serving } of plan) {
      const names = serving.map((s, i) => (i === 0 ? script.name : `${script.name}~${s.version.id}`));
      for (const n of names) running.add(n);
      serving.forEach((s, i) => {
        workers.push(
          workerOptionsForVersion({
            state,
            script,
            version: s.version,
            workerName: names[i],
            versionDir: this.versionDir(script.name, s.version.id),
            doHostName: script.name,
            runningWorkers: running,
          }),
        );
      });
      crons.set(script.name, script.name);
      if (serving.length > 1) {
        const routerName = `~split~${script.name}`;
        const targets = serving.map((s, i) => ({ binding: `V${i}`, percentage: s.percentage }));
        workers.push({
          name: routerName,
          modules: true,
          script: splitRouterScript(targets),
          compatibilityDate: '2025-09-01',
          serviceBindings: Object.fromEntries(names.map((n, i) => [`V${i}`, n])),
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        });
        entries.set(script.name, routerName);
      } else {
        workers[workers.length - 1].unsafeDirectSockets = [{ host: '127.0.0.1', port: 0 }];
        entries.set(script.name, script.name);
      }
    }
    return {
      workers,
      entries,
      crons,
      shared: {
        host: '127.0.0.1',
        port: 0,
        defaultPersistRoot: this.persistRoot,
        // No network here: a fixed Request.cf instead of fetching workers.cloudflare.com.
        cf: {
          colo: 'LCL',
          country: 'NL',
          city: 'Local',
          timezone: 'UTC',
          asn: 13335,
          asOrganization: 'Local Cloud',
          clientTcpRtt: 1,
          httpProtocol: 'HTTP/1.1',
          tlsVersion: '',
          tlsCipher: '',
        },
        log: new Log(this.verbose ? LogLevel.INFO : LogLevel.WARN),
        handleRuntimeStdio: (stdout, stderr) => {
          const keep = (chunk) => {
            const text = chunk.toString();
            this.recentStderr.push(text);
            if (this.recentStderr.length > 50) this.recentStderr.shift();
            if (this.verbose) process.stderr.write(text);
          };
          stdout.on('data', (chunk) => (this.verbose ? process.stdout.write(chunk) : undefined));
          stderr.on('data', keep);
        },
      },
    };
  }

  /** Applies the store's current configuration; resolves when workerd serves it. Serialised. */
  apply() {
    const run = this.queue.then(() => this.#applyNow());
    this.queue = run.catch(() => {});
    return run;
  }

  async #applyNow() {
    const { workers, entries, crons, shared } = this.buildOptions();
    const options = { ...shared, workers };
    this.recentStderr = [];
    if (!this.mf) {
      this.mf = new Miniflare(options);
      try {
        await this.mf.ready;
      } catch (error) {
        const mf = this.mf;
        this.mf = null;
        await mf.dispose().catch(() => {});
        throw this.#startupError(error);
      }
    } else {
      try {
        await this.mf.setOptions(options);
      } catch (error) {
        // workerd is down after a failed start; the caller restores the previous state and applies again.
        await this.mf.dispose().catch(() => {});
        this.mf = null;
        throw this.#startupError(error);
      }
    }
    const urls = new Map();
    for (const [script, workerName] of entries) {
      urls.set(script, (await this.mf.unsafeGetDirectURL(workerName)).href.replace(/\/$/, ''));
    }
    this.entryUrls = urls;
    this.cronWorkers = crons;
  }

  #startupError(error) {
    const detail = this.recentStderr.join('').trim().split('\n').slice(-8).join('\n');
    const err = new Error(`${error?.message ?? error}${detail ? `\n${detail}` : ''}`);
    err.name = 'WorkerStartupError';
    return err;
  }

  /** Waits for pending applies, then returns the live Miniflare. */
  async ready() {
    await this.queue;
    if (!this.mf) await this.apply();
    return /** @type {Miniflare} */ (this.mf);
  }

  async d1(databaseId) {
    const mf = await this.ready();
    return mf.getD1Database(d1BindingName(databaseId), STORAGE_WORKER);
  }

  async kv(namespaceId) {
    const mf = await this.ready();
    return mf.getKVNamespace(kvBindingName(namespaceId), STORAGE_WORKER);
  }

  async r2(bucketName) {
    const mf = await this.ready();
    return mf.getR2Bucket(r2BindingName(bucketName), STORAGE_WORKER);
  }

  /** Internal URL (direct workerd socket) serving a script, or null if it is not deployed. */
  async entryUrl(scriptName) {
    await this.ready();
    return this.entryUrls.get(scriptName) ?? null;
  }

  /** Fires the scheduled handler of a deployed script. */
  async scheduled(scriptName, cron, scheduledTime = new Date()) {
    const mf = await this.ready();
    const worker = this.cronWorkers.get(scriptName);
    if (!worker) throw new Error(`script ${scriptName} is not deployed`);
    const fetcher = await mf.getWorker(worker);
    return fetcher.scheduled({ cron, scheduledTime });
  }

  async stop() {
    await this.queue.catch(() => {});
    if (this.mf) await this.mf.dispose();
    this.mf = null;
  }
}
