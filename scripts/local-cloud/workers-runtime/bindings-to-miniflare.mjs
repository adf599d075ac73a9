// Maps a stored Worker version (upload metadata already validated) to Miniflare WorkerOptions.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

/** Miniflare module types for the content types Cloudflare accepts in an upload. */
export const MODULE_TYPES = {
  'application/javascript+module': 'ESModule',
  'text/javascript+module': 'ESModule',
  'application/javascript': 'CommonJS',
  'text/javascript': 'CommonJS',
  'application/wasm': 'CompiledWasm',
  'text/plain': 'Text',
  'application/octet-stream': 'Data',
  'application/json': 'Text',
};

/**
 * @param {object} args
 * @param {any} args.state the store's data
 * @param {any} args.script stored script record
 * @param {any} args.version stored version record
 * @param {string} args.workerName Miniflare worker name
 * @param {string} args.versionDir folder holding the version's modules (+ assets/)
 * @param {string} args.doHostName Miniflare worker that hosts this script's Durable Object classes
 * @param {Set<string>} args.runningWorkers names of workers present in this Miniflare config
 */
export function workerOptionsForVersion({
  state,
  script,
  version,
  workerName,
  versionDir,
  doHostName,
  runningWorkers,
}) {
  /** @type {any} */
  const options = {
    name: workerName,
    compatibilityDate: version.compatibility_date || '2024-01-01',
    compatibilityFlags: version.compatibility_flags ?? [],
    bindings: {},
    d1Databases: {},
    kvNamespaces: {},
    r2Buckets: {},
    durableObjects: {},
    serviceBindings: {},
    ratelimits: {},
  };
  const modulesDir = join(versionDir, 'modules');
  if (version.main_module) {
    const ordered = [...version.modules].sort((a, b) =>
      a.name === version.main_module ? -1 : b.name === version.main_module ? 1 : 0,
    );
    options.modulesRoot = modulesDir;
    options.modules = ordered
      .filter((m) => MODULE_TYPES[m.content_type])
      .map((m) => {
        const path = join(modulesDir, m.name);
        const type = MODULE_TYPES[m.content_type];
        const raw = readFileSync(path);
        return {
          type,
          path,
          contents: type === 'ESModule' || type === 'CommonJS' || type === 'Text' ? raw.toString('utf8') : raw,
        };
      });
  } else {
    options.script = readFileSync(join(modulesDir, version.body_part), 'utf8');
    options.scriptPath = join(modulesDir, version.body_part);
  }
  for (const binding of version.bindings) {
    switch (binding.type) {
      case 'plain_text':
      case 'secret_text':
        options.bindings[binding.name] = binding.text;
        break;
      case 'json':
        options.bindings[binding.name] = binding.json;
        break;
      case 'd1':
        options.d1Databases[binding.name] = binding.id ?? binding.database_id;
        break;
      case 'kv_namespace':
        options.kvNamespaces[binding.name] = binding.namespace_id;
        break;
      case 'r2_bucket':
        options.r2Buckets[binding.name] = binding.bucket_name;
        break;
      case 'durable_object_namespace': {
        const owner =
          binding.script_name && binding.script_name !== script.name ? state.scripts[binding.script_name] : script;
        const hostName = binding.script_name && binding.script_name !== script.name ? binding.script_name : doHostName;
        const sqlite = owner?.do_classes?.[binding.class_name]?.sqlite ?? true;
        const entry = { className: binding.class_name, useSQLite: sqlite };
        if (hostName !== workerName) {
          if (!runningWorkers.has(hostName)) break; // the hosting Worker is gone; leave the binding out
          entry.scriptName = hostName;
        }
        options.durableObjects[binding.name] = entry;
        break;
      }
      case 'service':
        if (runningWorkers.has(binding.service))
          options.serviceBindings[binding.name] = binding.entrypoint
            ? { name: binding.service, entrypoint: binding.entrypoint }
            : binding.service;
        break;
      case 'ratelimit':
        options.ratelimits[binding.name] = { simple: { limit: binding.simple.limit, period: binding.simple.period } };
        break;
      case 'version_metadata':
        options.bindings[binding.name] = {
          id: version.id,
          tag: version.annotations?.['workers/tag'] ?? '',
          timestamp: version.created_on,
        };
        break;
      case 'send_email':
        options.email ??= { send_email: [] };
        options.email.send_email.push({
          name: binding.name,
          ...(binding.destination_address ? { destination_address: binding.destination_address } : {}),
        });
        break;
      case 'analytics_engine':
        options.analyticsEngineDatasets ??= {};
        options.analyticsEngineDatasets[binding.name] = { dataset: binding.dataset ?? binding.name };
        break;
      case 'assets':
        break; // handled with version.assets below
      default:
        throw new Error(`unsupported binding type ${binding.type}`);
    }
  }
  if (version.assets) {
    const assetsBinding = version.bindings.find((b) => b.type === 'assets');
    const config = version.assets.config ?? {};
    options.assets = {
      directory: join(versionDir, 'assets'),
      ...(assetsBinding ? { binding: assetsBinding.name } : {}),
      routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: config.run_worker_first === true },
      assetConfig: {
        ...(config.html_handling ? { html_handling: config.html_handling } : {}),
        ...(config.not_found_handling ? { not_found_handling: config.not_found_handling } : {}),
      },
    };
  }
  return options;
}
