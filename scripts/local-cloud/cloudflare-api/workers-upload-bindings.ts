// The bindings and Durable Object migrations of a Workers upload, checked against the account (the D1, KV, R2
// and scripts they name must exist) and the script's previous version (`inherit`, `keep_bindings`, migration tags).
import { CfApiError } from '../http/cf-envelope.ts';
import { isOneOf, isPlainObject, type JsonObject } from '../http/request-body.ts';
import type { State } from '../state/state.ts';
import type { Binding, DurableObjectClasses, ScriptRecord, WorkerVersion } from '../state/workers-records.ts';

export const invalid = (message: string) => new CfApiError(400, 10021, message);

const BINDING_TYPES = [
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
] as const;
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A binding of the upload's metadata whose `type` is known, its other fields not checked yet. */
type RawBinding = JsonObject & { type: (typeof BINDING_TYPES)[number]; name: string };

interface BindingContext {
  state: State;
  previous: WorkerVersion | null;
  bindingsInheritStrict: boolean;
}

export function validateBindings(
  raw: unknown,
  { keepBindings, ...context }: BindingContext & { keepBindings: unknown },
): Binding[] {
  if (!Array.isArray(raw)) throw invalid('`bindings` must be an array.');
  const out: Binding[] = [];
  const seen = new Set<string>();
  for (const b of raw) {
    if (!isPlainObject(b) || typeof b.type !== 'string' || typeof b.name !== 'string')
      throw invalid('Every binding needs a string `type` and `name`.');
    if (!isOneOf(BINDING_TYPES, b.type)) throw invalid(`Unknown binding type "${b.type}" for binding ${b.name}.`);
    if (!NAME.test(b.name)) throw invalid(`Invalid binding name "${b.name}".`);
    if (seen.has(b.name)) throw invalid(`Binding name "${b.name}" is used more than once.`);
    seen.add(b.name);
    const binding = validateBinding(b as RawBinding, context);
    if (binding) out.push(binding);
  }
  // keep_bindings: ["secret_text", …] carries those bindings of the previous version that were not re-sent.
  if (!Array.isArray(keepBindings)) throw invalid('`keep_bindings` must be an array of binding types.');
  for (const old of context.previous?.bindings ?? []) {
    if (keepBindings.includes(old.type) && !seen.has(old.name)) out.push(structuredClone(old));
  }
  return out;
}

/** The binding as stored, or null for an `inherit` of nothing (allowed unless `bindings_inherit=strict`). */
function validateBinding(b: RawBinding, { state, previous, bindingsInheritStrict }: BindingContext): Binding | null {
  const { type, name } = b;
  const need = (field: string, { allowEmpty = false } = {}): string => {
    const value = b[field];
    if (typeof value !== 'string' || (!allowEmpty && !value))
      throw invalid(`binding ${name} of type ${type} must have a valid \`${field}\` specified`);
    return value;
  };
  const optional = (field: string) => (typeof b[field] === 'string' && b[field] ? { [field]: b[field] } : {});
  switch (type) {
    case 'plain_text':
    case 'secret_text': {
      const text = need('text', { allowEmpty: true });
      if (Buffer.byteLength(text) > 5 * 1024) throw invalid(`binding ${name}: text exceeds 5 KiB.`);
      return { type, name, text };
    }
    case 'json':
      if (!('json' in b)) throw invalid(`binding ${name} of type json must have a \`json\` value`);
      return { type, name, json: b.json };
    case 'd1': {
      const id = b.id ?? b.database_id;
      if (typeof id !== 'string' || !state.d1.some((d) => d.uuid === id))
        throw invalid(`binding ${name} of type d1 must have a valid \`id\` specified [code: 10181]`);
      return { type, name, id };
    }
    case 'kv_namespace': {
      const namespaceId = b.namespace_id;
      if (typeof namespaceId !== 'string' || !state.kv.some((n) => n.id === namespaceId))
        throw invalid(`binding ${name} of type kv_namespace must have a valid \`namespace_id\` specified`);
      return { type, name, namespace_id: namespaceId };
    }
    case 'r2_bucket': {
      const bucket = b.bucket_name;
      if (typeof bucket !== 'string' || !state.r2.some((x) => x.name === bucket))
        throw invalid(
          `binding ${name} of type r2_bucket references bucket "${bucket}" which does not exist [code: 10085]`,
        );
      return { type, name, bucket_name: bucket, ...optional('jurisdiction') };
    }
    case 'durable_object_namespace': {
      const className = need('class_name');
      if (b.script_name !== undefined && typeof b.script_name !== 'string')
        throw invalid(`binding ${name}: \`script_name\` must be a string`);
      return { type, name, class_name: className, ...optional('script_name') };
    }
    case 'service': {
      const service = need('service');
      if (!state.scripts[service])
        throw invalid(`Could not resolve service binding '${name}'. Target script '${service}' not found.`);
      return { type, name, service, ...optional('entrypoint') };
    }
    case 'ratelimit':
      return { type, name, ...rateLimit(b, need) };
    case 'version_metadata':
    case 'assets':
      return { type, name };
    case 'send_email':
      return { type, name, ...optional('destination_address') };
    case 'analytics_engine':
      return { type, name, dataset: typeof b.dataset === 'string' ? b.dataset : name };
    case 'inherit': {
      const old = previous?.bindings.find((x) => x.name === name);
      if (!old && bindingsInheritStrict)
        throw invalid(`Binding "${name}" cannot be inherited: the previous version has no such binding.`);
      return old ? structuredClone(old) : null;
    }
  }
}

function rateLimit(b: RawBinding, need: (field: string) => string) {
  const namespaceId = need('namespace_id');
  if (!/^\d+$/.test(namespaceId))
    throw invalid(`binding ${b.name} of type ratelimit must have a valid \`namespace_id\` specified`);
  const simple = isPlainObject(b.simple) ? b.simple : {};
  const { limit } = simple;
  const period = ([10, 60] as const).find((seconds) => seconds === simple.period) ?? null;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || period === null)
    throw invalid(`binding ${b.name} of type ratelimit needs simple.limit (integer) and simple.period (10 or 60)`);
  return { namespace_id: namespaceId, simple: { limit, period } };
}

/** The script's Durable Object classes and migration tag after the upload's `migrations`. */
export function applyMigrations(
  migrations: unknown,
  script: ScriptRecord | null,
  modules: { bytes: Buffer }[],
): { classes: DurableObjectClasses; tag: string | null } {
  const classes = structuredClone(script?.do_classes ?? {});
  const tag = script?.migration_tag ?? null;
  if (migrations === undefined || migrations === null) return { classes, tag };
  if (!isPlainObject(migrations)) throw invalid('`migrations` must be an object.');
  if ((migrations.old_tag ?? null) !== tag && !(migrations.old_tag === undefined && tag === null))
    throw invalid(
      `Migration tag precondition failed; current tag is ${tag ?? 'unset'}, migrations.old_tag is ${migrations.old_tag ?? 'unset'} [code: 10079]`,
    );
  const steps: unknown[] = Array.isArray(migrations.steps) ? migrations.steps : [migrations];
  const source = modules.map((m) => m.bytes.toString('utf8')).join('\n');
  const addClass = (name: string, sqlite: boolean) => {
    if (classes[name]) throw invalid(`Cannot apply new-class migration to class ${name} that already exists`);
    if (!new RegExp(`class\\s+${name}\\b|${name}\\s*[,}]`).test(source))
      throw invalid(`Cannot apply new-class migration to class ${name} that is not exported by script`);
    classes[name] = { sqlite };
  };
  for (const step of steps) {
    if (!isPlainObject(step)) throw invalid('Every migration step must be an object.');
    for (const name of names(step.new_classes)) addClass(name, false);
    for (const name of names(step.new_sqlite_classes)) addClass(name, true);
    for (const name of names(step.deleted_classes)) {
      if (!classes[name]) throw invalid(`Cannot apply deleted_classes migration to non-existent class ${name}`);
      delete classes[name];
    }
    for (const { from, to } of renames(step.renamed_classes)) {
      const moved = classes[from];
      if (!moved) throw invalid(`Cannot apply renamed_classes migration to non-existent class ${from}`);
      classes[to] = moved;
      delete classes[from];
    }
  }
  return { classes, tag: migrations.new_tag === undefined ? tag : String(migrations.new_tag) };
}

/** A migration step's list of class names. */
function names(list: unknown): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((name) => typeof name !== 'string'))
    throw invalid('Migration class lists must be arrays of class names.');
  return list;
}

function renames(list: unknown): { from: string; to: string }[] {
  if (list === undefined) return [];
  if (
    !Array.isArray(list) ||
    list.some((r) => !isPlainObject(r) || typeof r.from !== 'string' || typeof r.to !== 'string')
  )
    throw invalid('`renamed_classes` must be an array of { from, to }.');
  return list;
}
