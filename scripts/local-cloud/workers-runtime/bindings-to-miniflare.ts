// Maps a stored Worker version (upload metadata already validated) to Miniflare WorkerOptions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json, WorkerOptions } from 'miniflare';
import type { State } from '../state/state.ts';
import type { ScriptRecord, WorkerVersion } from '../state/workers-records.ts';

type ModuleType = 'ESModule' | 'CommonJS' | 'CompiledWasm' | 'Text' | 'Data';

/** Miniflare module types for the content types Cloudflare accepts in an upload. */
export const MODULE_TYPES: Record<string, ModuleType> = {
  'application/javascript+module': 'ESModule',
  'text/javascript+module': 'ESModule',
  'application/javascript': 'CommonJS',
  'text/javascript': 'CommonJS',
  'application/wasm': 'CompiledWasm',
  'text/plain': 'Text',
  'application/octet-stream': 'Data',
  'application/json': 'Text',
};

/** A named map of one WorkerOptions field (e.g. `d1Databases`), in the form this file fills in. */
type Named<Field extends keyof WorkerOptions> = Extract<NonNullable<WorkerOptions[Field]>, Record<string, unknown>>;

export interface VersionPlacement {
  state: State;
  script: ScriptRecord;
  version: WorkerVersion;
  /** Its Miniflare worker name. */
  workerName: string;
  /** The folder holding the version's modules (+ assets/). */
  versionDir: string;
  /** The Miniflare worker that hosts this script's Durable Object classes. */
  doHostName: string;
  /** Names of the workers present in this Miniflare config. */
  runningWorkers: Set<string>;
}

export function workerOptionsForVersion({
  state,
  script,
  version,
  workerName,
  versionDir,
  doHostName,
  runningWorkers,
}: VersionPlacement): WorkerOptions {
  const bindings: Record<string, Json> = {};
  const d1Databases: Record<string, string> = {};
  const kvNamespaces: Record<string, string> = {};
  const r2Buckets: Record<string, string> = {};
  const durableObjects: Named<'durableObjects'> = {};
  const serviceBindings: Named<'serviceBindings'> = {};
  const ratelimits: Named<'ratelimits'> = {};
  const sendEmail: { name: string; destination_address?: string }[] = [];
  const analyticsEngineDatasets: Named<'analyticsEngineDatasets'> = {};
  for (const binding of version.bindings) {
    switch (binding.type) {
      case 'plain_text':
      case 'secret_text':
        bindings[binding.name] = binding.text;
        break;
      case 'json':
        bindings[binding.name] = binding.json as Json;
        break;
      case 'd1':
        d1Databases[binding.name] = binding.id;
        break;
      case 'kv_namespace':
        kvNamespaces[binding.name] = binding.namespace_id;
        break;
      case 'r2_bucket':
        r2Buckets[binding.name] = binding.bucket_name;
        break;
      case 'durable_object_namespace': {
        const elsewhere = binding.script_name && binding.script_name !== script.name ? binding.script_name : null;
        const owner = elsewhere ? state.scripts[elsewhere] : script;
        const hostName = elsewhere ?? doHostName;
        const useSQLite = owner?.do_classes[binding.class_name]?.sqlite ?? true;
        if (hostName === workerName) durableObjects[binding.name] = { className: binding.class_name, useSQLite };
        // Leave the binding out when the hosting Worker is gone.
        else if (runningWorkers.has(hostName))
          durableObjects[binding.name] = { className: binding.class_name, useSQLite, scriptName: hostName };
        break;
      }
      case 'service':
        if (runningWorkers.has(binding.service))
          serviceBindings[binding.name] = binding.entrypoint
            ? { name: binding.service, entrypoint: binding.entrypoint }
            : binding.service;
        break;
      case 'ratelimit':
        ratelimits[binding.name] = { simple: { limit: binding.simple.limit, period: binding.simple.period } };
        break;
      case 'version_metadata':
        bindings[binding.name] = {
          id: version.id,
          tag: String(version.annotations['workers/tag'] ?? ''),
          timestamp: version.created_on,
        };
        break;
      case 'send_email':
        sendEmail.push({
          name: binding.name,
          ...(binding.destination_address ? { destination_address: binding.destination_address } : {}),
        });
        break;
      case 'analytics_engine':
        analyticsEngineDatasets[binding.name] = { dataset: binding.dataset };
        break;
      case 'assets':
        break; // handled with version.assets below
    }
  }
  return {
    name: workerName,
    compatibilityDate: version.compatibility_date || '2024-01-01',
    compatibilityFlags: version.compatibility_flags,
    ...code(version, join(versionDir, 'modules')),
    bindings,
    d1Databases,
    kvNamespaces,
    r2Buckets,
    durableObjects,
    serviceBindings,
    ratelimits,
    ...(sendEmail.length ? { email: { send_email: sendEmail } } : {}),
    ...(Object.keys(analyticsEngineDatasets).length ? { analyticsEngineDatasets } : {}),
    ...(version.assets ? { assets: assets(version, join(versionDir, 'assets')) } : {}),
  };
}

/** The version's code: its modules (main module first), or its service-worker script. */
function code(version: WorkerVersion, modulesDir: string) {
  const main = version.main_module;
  if (!main) {
    const scriptPath = join(modulesDir, version.body_part ?? '');
    return { script: readFileSync(scriptPath, 'utf8'), scriptPath };
  }
  const ordered = [...version.modules].sort((a, b) => (a.name === main ? -1 : b.name === main ? 1 : 0));
  const modules = ordered.flatMap((m) => {
    const type = MODULE_TYPES[m.content_type];
    if (!type) return []; // source maps
    const path = join(modulesDir, m.name);
    const raw = readFileSync(path);
    const contents = type === 'ESModule' || type === 'CommonJS' || type === 'Text' ? raw.toString('utf8') : raw;
    return [{ type, path, contents }];
  });
  return { modulesRoot: modulesDir, modules };
}

function assets(version: WorkerVersion, directory: string) {
  const assetsBinding = version.bindings.find((b) => b.type === 'assets');
  const config = version.assets?.config ?? {};
  return {
    directory,
    ...(assetsBinding ? { binding: assetsBinding.name } : {}),
    routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: config.run_worker_first === true },
    assetConfig: {
      ...(config.html_handling ? { html_handling: config.html_handling } : {}),
      ...(config.not_found_handling ? { not_found_handling: config.not_found_handling } : {}),
    },
  };
}
