// Runs everything uploaded through the API in ONE Miniflare (workerd) instance:
//  - "~storage": a Worker bound to every D1 database, KV namespace and R2 bucket of the account, which the
//    REST API uses (so the D1 query API touches the very SQLite a deployed Worker sees);
//  - one Worker per deployed script (named like the script, so Durable Object storage survives deployments),
//    plus "<script>~<versionId>" and "~split~<script>" when a deployment splits traffic between two versions.
// Every change of the account's configuration is applied with setOptions (workerd restarts in ~150 ms; all
// persisted data stays). Applies are serialised.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Log, LogLevel, Miniflare, type SharedOptions, type WorkerOptions } from 'miniflare';
import type { StateStore } from '../state/store.ts';
import type { ScriptRecord, WorkerVersion } from '../state/workers-records.ts';
import { workerOptionsForVersion } from './bindings-to-miniflare.ts';
import { splitRouterScript } from './split-router-script.ts';

/** The D1 database binding the REST API uses (Miniflare's, so the very SQLite a deployed Worker sees). */
export type D1 = Awaited<ReturnType<Miniflare['getD1Database']>>;
export type KvNamespace = Awaited<ReturnType<Miniflare['getKVNamespace']>>;
export type R2Bucket = Awaited<ReturnType<Miniflare['getR2Bucket']>>;

/** One version of a deployment and its share of the traffic. */
export interface ServingVersion {
  version: WorkerVersion;
  percentage: number;
}

export const STORAGE_WORKER = '~storage';

export const d1BindingName = (id: string) => `D1_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
export const kvBindingName = (id: string) => `KV_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
export const r2BindingName = (name: string) => `R2_${Buffer.from(name).toString('hex')}`;

/** The deployment that currently serves a script, as [{ version, percentage }] sorted by share. */
export function servingVersions(script: ScriptRecord): ServingVersion[] {
  const deployment = script.deployments.at(-1);
  if (!deployment) return [];
  return deployment.versions
    .flatMap(({ version_id, percentage }) => {
      const version = script.versions.find((x) => x.id === version_id);
      return version ? [{ version, percentage }] : [];
    })
    .sort((a, b) => b.percentage - a.percentage);
}

export class WorkersRuntime {
  readonly store: StateStore;
  readonly stateDir: string;
  readonly persistRoot: string;
  readonly verbose: boolean;
  mf: Miniflare | null = null;
  queue: Promise<void> = Promise.resolve();
  /** Script name → internal URL of the Worker that takes its requests. */
  entryUrls = new Map<string, string>();
  /** Script name → Miniflare worker name that runs crons. */
  cronWorkers = new Map<string, string>();
  recentStderr: string[] = [];

  constructor({ store, stateDir, verbose = false }: { store: StateStore; stateDir: string; verbose?: boolean }) {
    this.store = store;
    this.stateDir = stateDir;
    this.persistRoot = join(stateDir, 'miniflare');
    this.verbose = verbose;
    mkdirSync(this.persistRoot, { recursive: true });
  }

  versionDir(scriptName: string, versionId: string): string {
    return join(this.stateDir, 'scripts', scriptName, versionId);
  }

  buildOptions(): {
    workers: WorkerOptions[];
    entries: Map<string, string>;
    crons: Map<string, string>;
    shared: SharedOptions;
  } {
    const state = this.store.data;
    const storage: WorkerOptions = {
      name: STORAGE_WORKER,
      modules: true,
      script: 'export default { fetch() { return new Response("local cloud storage"); } }',
      compatibilityDate: '2025-09-01',
      d1Databases: Object.fromEntries(state.d1.map((db) => [d1BindingName(db.uuid), db.uuid])),
      kvNamespaces: Object.fromEntries(state.kv.map((ns) => [kvBindingName(ns.id), ns.id])),
      r2Buckets: Object.fromEntries(state.r2.map((b) => [r2BindingName(b.name), b.name])),
    };
    const workers: WorkerOptions[] = [storage];
    const entries = new Map<string, string>();
    const crons = new Map<string, string>();
    const plan: { script: ScriptRecord; serving: ServingVersion[] }[] = [];
    const running = new Set<string>();
    for (const script of Object.values(state.scripts)) {
      const serving = servingVersions(script);
      if (!serving.length) continue;
      running.add(script.name);
      plan.push({ script, serving });
    }
    // Each script's entry Worker gets a direct socket: its own version's, or the split router's.
    const directSocket = { unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }] };
    for (const { script, serving } of plan) {
      const split = serving.length > 1;
      const versions = serving.map((s, i) => ({
        ...s,
        workerName: i === 0 ? script.name : `${script.name}~${s.version.id}`,
      }));
      for (const v of versions) running.add(v.workerName);
      for (const v of versions)
        workers.push({
          ...workerOptionsForVersion({
            state,
            script,
            version: v.version,
            workerName: v.workerName,
            versionDir: this.versionDir(script.name, v.version.id),
            doHostName: script.name,
            runningWorkers: running,
          }),
          ...(split ? {} : directSocket),
        });
      crons.set(script.name, script.name);
      if (split) {
        const routerName = `~split~${script.name}`;
        workers.push({
          name: routerName,
          modules: true,
          script: splitRouterScript(versions.map((v, i) => ({ binding: `V${i}`, percentage: v.percentage }))),
          compatibilityDate: '2025-09-01',
          serviceBindings: Object.fromEntries(versions.map((v, i) => [`V${i}`, v.workerName])),
          ...directSocket,
        });
        entries.set(script.name, routerName);
      } else entries.set(script.name, script.name);
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
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          const keep = (chunk: Buffer) => {
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
  apply(): Promise<void> {
    const run = this.queue.then(() => this.#applyNow());
    this.queue = run.catch(() => {});
    return run;
  }

  async #applyNow(): Promise<void> {
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
    const urls = new Map<string, string>();
    for (const [script, workerName] of entries) {
      urls.set(script, (await this.mf.unsafeGetDirectURL(workerName)).href.replace(/\/$/, ''));
    }
    this.entryUrls = urls;
    this.cronWorkers = crons;
  }

  #startupError(error: unknown): Error {
    const detail = this.recentStderr.join('').trim().split('\n').slice(-8).join('\n');
    const err = new Error(`${error instanceof Error ? error.message : error}${detail ? `\n${detail}` : ''}`);
    err.name = 'WorkerStartupError';
    return err;
  }

  /** Waits for pending applies, then returns the live Miniflare. */
  async ready(): Promise<Miniflare> {
    await this.queue;
    if (!this.mf) await this.apply();
    if (!this.mf) throw new Error('workerd is not running');
    return this.mf;
  }

  async d1(databaseId: string): Promise<D1> {
    const mf = await this.ready();
    return mf.getD1Database(d1BindingName(databaseId), STORAGE_WORKER);
  }

  async kv(namespaceId: string): Promise<KvNamespace> {
    const mf = await this.ready();
    return mf.getKVNamespace(kvBindingName(namespaceId), STORAGE_WORKER);
  }

  async r2(bucketName: string): Promise<R2Bucket> {
    const mf = await this.ready();
    return mf.getR2Bucket(r2BindingName(bucketName), STORAGE_WORKER);
  }

  /** Internal URL (direct workerd socket) serving a script, or null if it is not deployed. */
  async entryUrl(scriptName: string): Promise<string | null> {
    await this.ready();
    return this.entryUrls.get(scriptName) ?? null;
  }

  /** Fires the scheduled handler of a deployed script. */
  async scheduled(scriptName: string, cron: string, scheduledTime = new Date()) {
    const mf = await this.ready();
    const worker = this.cronWorkers.get(scriptName);
    if (!worker) throw new Error(`script ${scriptName} is not deployed`);
    const fetcher = await mf.getWorker(worker);
    return fetcher.scheduled({ cron, scheduledTime });
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => {});
    if (this.mf) await this.mf.dispose();
    this.mf = null;
  }
}
