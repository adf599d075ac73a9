// Parses and validates a Workers upload (multipart/form-data with a `metadata` part and module parts) the way
// the Workers API does, with its error codes: 10021 validation, 10027 too large.
import { CfApiError } from '../http/cf-envelope.ts';
import { isPlainObject, type JsonObject } from '../http/request-body.ts';
import type { State } from '../state/state.ts';
import {
  type AssetConfig,
  type Binding,
  type DurableObjectClasses,
  latestVersion,
  type ScriptRecord,
} from '../state/workers-records.ts';
import { MODULE_TYPES } from '../workers-runtime/bindings-to-miniflare.ts';
import { applyMigrations, invalid, validateBindings } from './workers-upload-bindings.ts';

export const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;
export const SCRIPT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

/** A module part of an upload. */
export interface UploadedModule {
  name: string;
  content_type: string;
  bytes: Buffer;
}

export interface UploadForm {
  metadata: JsonObject;
  modules: UploadedModule[];
}

/** An upload's metadata, validated against the account and the script's previous version. */
export interface UploadFields {
  main_module: string | null;
  body_part: string | null;
  compatibility_date: string;
  compatibility_flags: string[];
  bindings: Binding[];
  migration_tag: string | null;
  do_classes: DurableObjectClasses;
  annotations: Record<string, unknown>;
  /** `jwt`: an assets completion token; `config` is passed to Miniflare as sent. */
  assets: { jwt?: string; config?: AssetConfig } | null;
  keep_assets: boolean;
  /** Script settings the upload changes (null: unchanged). */
  observability: unknown;
  tags: unknown;
  logpush: unknown;
}

const JS_MODULE_TYPES = [
  'application/javascript+module',
  'text/javascript+module',
  'application/javascript',
  'text/javascript',
];

export function checkScriptName(name: string): void {
  if (!SCRIPT_NAME.test(name))
    throw new CfApiError(
      400,
      10016,
      `Invalid Worker name "${name}": use lowercase letters, digits, "-" and "_" (max 63).`,
    );
}

export async function readUploadForm(request: Request): Promise<UploadForm> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data'))
    throw new CfApiError(400, 10021, 'Expected a multipart/form-data body with a `metadata` part.');
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new CfApiError(400, 10021, 'Malformed multipart/form-data body.');
  }
  const metadataPart = form.get('metadata');
  if (metadataPart === null) throw new CfApiError(400, 10021, 'No `metadata` part in the upload.');
  let metadata: unknown;
  try {
    metadata = JSON.parse(typeof metadataPart === 'string' ? metadataPart : await metadataPart.text());
  } catch {
    throw new CfApiError(400, 10021, 'The `metadata` part is not valid JSON.');
  }
  if (!isPlainObject(metadata)) throw invalid('`metadata` must be a JSON object.');
  const modules: UploadedModule[] = [];
  let total = 0;
  for (const [field, part] of form.entries()) {
    if (field === 'metadata' || typeof part === 'string') continue;
    const name = part.name && part.name !== 'blob' ? part.name : field;
    const bytes = Buffer.from(await part.arrayBuffer());
    total += bytes.byteLength;
    const contentType = (part.type || 'application/octet-stream').split(';')[0]?.trim() ?? '';
    if (contentType !== 'application/source-map' && !MODULE_TYPES[contentType])
      throw invalid(`Unsupported module content type "${contentType}" for ${name}.`);
    if (!isSafeModuleName(name)) throw invalid(`Invalid module name "${name}".`);
    modules.push({ name, content_type: contentType, bytes });
  }
  if (total > MAX_SCRIPT_BYTES)
    throw new CfApiError(
      400,
      10027,
      `Your Worker exceeded the size limit of ${MAX_SCRIPT_BYTES / 1024 / 1024} MiB (${(total / 1024 / 1024).toFixed(1)} MiB).`,
    );
  return { metadata, modules };
}

const isSafeModuleName = (name: string) =>
  !!name && !name.startsWith('/') && !name.split('/').some((s) => s === '..' || s === '') && !name.includes('\\');

/** Validates metadata against the account's state and returns the normalised version fields. */
export function validateUpload(
  { metadata, modules }: UploadForm,
  {
    state,
    script,
    versionsApi,
    bindingsInheritStrict,
  }: { state: State; script: ScriptRecord | null; versionsApi: boolean; bindingsInheritStrict: boolean },
): UploadFields {
  const previous = script ? latestVersion(script) : null;
  const entry = entryPoint(metadata, modules);

  const compatibilityDate = String(metadata.compatibility_date ?? previous?.compatibility_date ?? '2024-01-01');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(compatibilityDate) || Number.isNaN(Date.parse(compatibilityDate)))
    throw invalid(`Invalid compatibility_date "${compatibilityDate}".`);
  if (Date.parse(compatibilityDate) > Date.now() + 24 * 3600_000)
    throw invalid(`Can't set compatibility date in the future: "${compatibilityDate}".`);
  const flags = metadata.compatibility_flags ?? [];
  if (!Array.isArray(flags) || flags.some((f) => typeof f !== 'string'))
    throw invalid('`compatibility_flags` must be an array of strings.');

  if (versionsApi && metadata.migrations)
    throw invalid(
      'Durable Object migrations must be applied with a deploy (PUT /workers/scripts/{name}), not a version upload.',
    );
  const bindings = validateBindings(metadata.bindings ?? [], {
    state,
    previous,
    bindingsInheritStrict,
    keepBindings: metadata.keep_bindings ?? [],
  });
  const doClasses = applyMigrations(metadata.migrations, script, modules);
  for (const b of bindings) {
    if (b.type !== 'durable_object_namespace' || (b.script_name && b.script_name !== script?.name)) continue;
    if (!doClasses.classes[b.class_name] && !versionsApi && !script?.do_classes[b.class_name])
      throw invalid(
        `Cannot create binding for class ${b.class_name} that is not exported by the script; add a migration with new_sqlite_classes.`,
      );
  }
  return {
    ...entry,
    compatibility_date: compatibilityDate,
    compatibility_flags: flags,
    bindings,
    migration_tag: doClasses.tag,
    do_classes: doClasses.classes,
    annotations: isPlainObject(metadata.annotations) ? metadata.annotations : {},
    assets: uploadAssets(metadata.assets),
    keep_assets: metadata.keep_assets === true,
    observability: metadata.observability ?? null,
    tags: metadata.tags ?? null,
    logpush: metadata.logpush ?? null,
  };
}

/** ES modules (`main_module`) or service-worker syntax (`body_part`). */
function entryPoint(
  { main_module: mainModule, body_part: bodyPart }: JsonObject,
  modules: UploadedModule[],
): Pick<UploadFields, 'main_module' | 'body_part'> {
  if (mainModule !== undefined) {
    if (typeof mainModule !== 'string') throw invalid('`main_module` must be a string.');
    const main = modules.find((m) => m.name === mainModule);
    if (!main) throw invalid(`No such module "${mainModule}".`);
    if (!JS_MODULE_TYPES.includes(main.content_type))
      throw invalid(`The main module "${mainModule}" must be JavaScript.`);
    return { main_module: mainModule, body_part: null };
  }
  if (bodyPart !== undefined) {
    if (typeof bodyPart !== 'string' || !modules.some((m) => m.name === bodyPart))
      throw invalid(`No such part "${bodyPart}".`);
    return { main_module: null, body_part: bodyPart };
  }
  throw invalid('`main_module` is required (or `body_part` for service-worker syntax).');
}

function uploadAssets(assets: unknown): UploadFields['assets'] {
  if (!isPlainObject(assets)) return null;
  const { jwt, config } = assets;
  if (jwt !== undefined && typeof jwt !== 'string') throw invalid('`assets.jwt` must be a string.');
  if (config !== undefined && !isPlainObject(config)) throw invalid('`assets.config` must be an object.');
  // Miniflare checks the config's values: a bad one fails the deployment's start (10021).
  return { ...(jwt === undefined ? {} : { jwt }), ...(config === undefined ? {} : { config: config as AssetConfig }) };
}
