// Parses and validates a Workers upload (multipart/form-data with a `metadata` part and module parts) the way
// the Workers API does, with its error codes: 10021 validation, 10027 too large.
import { CfApiError } from '../http/cf-envelope.ts';
import { isPlainObject } from '../http/request-body.ts';
import { MODULE_TYPES } from '../workers-runtime/bindings-to-miniflare.mjs';

export const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;
export const SCRIPT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

const invalid = (message) => new CfApiError(400, 10021, message);

export function checkScriptName(name) {
  if (!SCRIPT_NAME.test(name))
    throw new CfApiError(
      400,
      10016,
      `Invalid Worker name "${name}": use lowercase letters, digits, "-" and "_" (max 63).`,
    );
}

/**
 * @param {Request} request
 * @returns {Promise<{ metadata: any, modules: { name: string, content_type: string, bytes: Buffer }[] }>}
 */
export async function readUploadForm(request) {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data'))
    throw new CfApiError(400, 10021, 'Expected a multipart/form-data body with a `metadata` part.');
  let form;
  try {
    form = await request.formData();
  } catch {
    throw new CfApiError(400, 10021, 'Malformed multipart/form-data body.');
  }
  const metadataPart = form.get('metadata');
  if (metadataPart === null) throw new CfApiError(400, 10021, 'No `metadata` part in the upload.');
  let metadata;
  try {
    metadata = JSON.parse(typeof metadataPart === 'string' ? metadataPart : await metadataPart.text());
  } catch {
    throw new CfApiError(400, 10021, 'The `metadata` part is not valid JSON.');
  }
  if (!isPlainObject(metadata)) throw invalid('`metadata` must be a JSON object.');
  const modules = [];
  let total = 0;
  for (const [field, part] of form.entries()) {
    if (field === 'metadata' || typeof part === 'string') continue;
    const name = part.name && part.name !== 'blob' ? part.name : field;
    const bytes = Buffer.from(await part.arrayBuffer());
    total += bytes.byteLength;
    const contentType = (part.type || 'application/octet-stream').split(';')[0].trim();
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

const isSafeModuleName = (name) =>
  !!name && !name.startsWith('/') && !name.split('/').some((s) => s === '..' || s === '') && !name.includes('\\');

/**
 * Validates metadata against the account's state and returns the normalised version fields.
 * @param {{ metadata: any, modules: any[] }} upload
 * @param {{ state: any, script: any | null, versionsApi: boolean, bindingsInheritStrict: boolean }} ctx
 */
export function validateUpload({ metadata, modules }, { state, script, versionsApi, bindingsInheritStrict }) {
  const previous = script ? latestVersion(script) : null;
  let mainModule = null;
  let bodyPart = null;
  if (metadata.main_module !== undefined) {
    if (typeof metadata.main_module !== 'string') throw invalid('`main_module` must be a string.');
    const main = modules.find((m) => m.name === metadata.main_module);
    if (!main) throw invalid(`No such module "${metadata.main_module}".`);
    if (
      ![
        'application/javascript+module',
        'text/javascript+module',
        'application/javascript',
        'text/javascript',
      ].includes(main.content_type)
    )
      throw invalid(`The main module "${metadata.main_module}" must be JavaScript.`);
    mainModule = metadata.main_module;
  } else if (metadata.body_part !== undefined) {
    if (!modules.some((m) => m.name === metadata.body_part)) throw invalid(`No such part "${metadata.body_part}".`);
    bodyPart = metadata.body_part;
  } else throw invalid('`main_module` is required (or `body_part` for service-worker syntax).');

  const compatibilityDate = metadata.compatibility_date ?? previous?.compatibility_date ?? '2024-01-01';
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
  for (const b of bindings.filter(
    (x) => x.type === 'durable_object_namespace' && (!x.script_name || x.script_name === script?.name),
  )) {
    if (!doClasses.classes[b.class_name] && !versionsApi && !script?.do_classes?.[b.class_name])
      throw invalid(
        `Cannot create binding for class ${b.class_name} that is not exported by the script; add a migration with new_sqlite_classes.`,
      );
  }
  return {
    main_module: mainModule,
    body_part: bodyPart,
    compatibility_date: compatibilityDate,
    compatibility_flags: flags,
    bindings,
    migration_tag: doClasses.tag,
    do_classes: doClasses.classes,
    annotations: isPlainObject(metadata.annotations) ? metadata.annotations : {},
    assets: metadata.assets ?? null,
    keep_assets: metadata.keep_assets === true,
    observability: metadata.observability ?? null,
    placement: metadata.placement ?? null,
    limits: metadata.limits ?? null,
    tags: metadata.tags ?? null,
    logpush: metadata.logpush ?? null,
  };
}

export const latestVersion = (script) => script.versions.at(-1) ?? null;

const KNOWN_TYPES = [
  'plain_text',
  'secret_text',
  'json',
  'd1',
  'kv_namespace',
  'r2_bucket',
  'durable_object_namespace',
  'service',
  'ratelimit',
  'version_metadata',
  'assets',
  'send_email',
  'analytics_engine',
  'inherit',
];
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function validateBindings(raw, { state, previous, bindingsInheritStrict, keepBindings }) {
  if (!Array.isArray(raw)) throw invalid('`bindings` must be an array.');
  const out = [];
  const seen = new Set();
  for (const b of raw) {
    if (!isPlainObject(b) || typeof b.type !== 'string' || typeof b.name !== 'string')
      throw invalid('Every binding needs a string `type` and `name`.');
    if (!KNOWN_TYPES.includes(b.type)) throw invalid(`Unknown binding type "${b.type}" for binding ${b.name}.`);
    if (!NAME.test(b.name)) throw invalid(`Invalid binding name "${b.name}".`);
    if (seen.has(b.name)) throw invalid(`Binding name "${b.name}" is used more than once.`);
    seen.add(b.name);
    const need = (field, check = (v) => typeof v === 'string' && v.length > 0) => {
      if (!check(b[field]))
        throw invalid(`binding ${b.name} of type ${b.type} must have a valid \`${field}\` specified`);
    };
    switch (b.type) {
      case 'plain_text':
      case 'secret_text':
        need('text', (v) => typeof v === 'string');
        if (Buffer.byteLength(b.text) > 5 * 1024) throw invalid(`binding ${b.name}: text exceeds 5 KiB.`);
        out.push({ type: b.type, name: b.name, text: b.text });
        break;
      case 'json':
        if (!('json' in b)) throw invalid(`binding ${b.name} of type json must have a \`json\` value`);
        out.push({ type: 'json', name: b.name, json: b.json });
        break;
      case 'd1': {
        const id = b.id ?? b.database_id;
        if (typeof id !== 'string' || !state.d1.some((d) => d.uuid === id))
          throw invalid(`binding ${b.name} of type d1 must have a valid \`id\` specified [code: 10181]`);
        out.push({ type: 'd1', name: b.name, id });
        break;
      }
      case 'kv_namespace':
        if (!state.kv.some((n) => n.id === b.namespace_id))
          throw invalid(`binding ${b.name} of type kv_namespace must have a valid \`namespace_id\` specified`);
        out.push({ type: 'kv_namespace', name: b.name, namespace_id: b.namespace_id });
        break;
      case 'r2_bucket':
        if (!state.r2.some((x) => x.name === b.bucket_name))
          throw invalid(
            `binding ${b.name} of type r2_bucket references bucket "${b.bucket_name}" which does not exist [code: 10085]`,
          );
        out.push({
          type: 'r2_bucket',
          name: b.name,
          bucket_name: b.bucket_name,
          ...(b.jurisdiction ? { jurisdiction: b.jurisdiction } : {}),
        });
        break;
      case 'durable_object_namespace':
        need('class_name');
        if (b.script_name !== undefined && typeof b.script_name !== 'string')
          throw invalid(`binding ${b.name}: \`script_name\` must be a string`);
        out.push({
          type: b.type,
          name: b.name,
          class_name: b.class_name,
          ...(b.script_name ? { script_name: b.script_name } : {}),
        });
        break;
      case 'service':
        need('service');
        if (!state.scripts[b.service])
          throw invalid(`Could not resolve service binding '${b.name}'. Target script '${b.service}' not found.`);
        out.push({
          type: 'service',
          name: b.name,
          service: b.service,
          ...(b.entrypoint ? { entrypoint: b.entrypoint } : {}),
        });
        break;
      case 'ratelimit':
        need('namespace_id', (v) => typeof v === 'string' && /^\d+$/.test(v));
        if (
          !isPlainObject(b.simple) ||
          !Number.isInteger(b.simple.limit) ||
          b.simple.limit < 1 ||
          ![10, 60].includes(b.simple.period)
        )
          throw invalid(
            `binding ${b.name} of type ratelimit needs simple.limit (integer) and simple.period (10 or 60)`,
          );
        out.push({
          type: 'ratelimit',
          name: b.name,
          namespace_id: b.namespace_id,
          simple: { limit: b.simple.limit, period: b.simple.period },
        });
        break;
      case 'version_metadata':
      case 'assets':
        out.push({ type: b.type, name: b.name });
        break;
      case 'send_email':
        out.push({
          type: 'send_email',
          name: b.name,
          ...(b.destination_address ? { destination_address: b.destination_address } : {}),
        });
        break;
      case 'analytics_engine':
        out.push({ type: 'analytics_engine', name: b.name, dataset: b.dataset ?? b.name });
        break;
      case 'inherit': {
        const old = previous?.bindings.find((x) => x.name === b.name);
        if (!old) {
          if (bindingsInheritStrict)
            throw invalid(`Binding "${b.name}" cannot be inherited: the previous version has no such binding.`);
          break;
        }
        out.push(structuredClone(old));
        break;
      }
    }
  }
  // keep_bindings: ["secret_text", …] carries those bindings of the previous version that were not re-sent.
  if (!Array.isArray(keepBindings)) throw invalid('`keep_bindings` must be an array of binding types.');
  for (const old of previous?.bindings ?? []) {
    if (keepBindings.includes(old.type) && !seen.has(old.name)) out.push(structuredClone(old));
  }
  return out;
}

function applyMigrations(migrations, script, modules) {
  const classes = structuredClone(script?.do_classes ?? {});
  let tag = script?.migration_tag ?? null;
  if (migrations === undefined || migrations === null) return { classes, tag };
  if (!isPlainObject(migrations)) throw invalid('`migrations` must be an object.');
  if ((migrations.old_tag ?? null) !== tag && !(migrations.old_tag === undefined && tag === null))
    throw invalid(
      `Migration tag precondition failed; current tag is ${tag ?? 'unset'}, migrations.old_tag is ${migrations.old_tag ?? 'unset'} [code: 10079]`,
    );
  const steps = Array.isArray(migrations.steps) ? migrations.steps : [migrations];
  const source = modules.map((m) => m.bytes.toString('utf8')).join('\n');
  for (const step of steps) {
    for (const name of step.new_classes ?? []) addClass(name, false);
    for (const name of step.new_sqlite_classes ?? []) addClass(name, true);
    for (const name of step.deleted_classes ?? []) {
      if (!classes[name]) throw invalid(`Cannot apply deleted_classes migration to non-existent class ${name}`);
      delete classes[name];
    }
    for (const { from, to } of step.renamed_classes ?? []) {
      if (!classes[from]) throw invalid(`Cannot apply renamed_classes migration to non-existent class ${from}`);
      classes[to] = classes[from];
      delete classes[from];
    }
  }
  if (migrations.new_tag !== undefined) tag = migrations.new_tag;
  return { classes, tag };

  function addClass(name, sqlite) {
    if (classes[name]) throw invalid(`Cannot apply new-class migration to class ${name} that already exists`);
    if (!new RegExp(`class\\s+${name}\\b|${name}\\s*[,}]`).test(source))
      throw invalid(`Cannot apply new-class migration to class ${name} that is not exported by script`);
    classes[name] = { sqlite };
  }
}
