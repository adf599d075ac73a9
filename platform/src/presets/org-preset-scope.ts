import type { Env } from '../env';
import { notFound } from '../http/errors';
import { findRtkPresetPrefix } from '../org/queries';
import { type PresetScope, presetScope } from './preset-scope';

/** Per isolate. An org's prefix is set when the org is created and never changes, so it is read once. */
const scopes = new Map<string, PresetScope>();

/** The org's preset names in RTK; after the first call in an isolate, without reading D1 (the join path). */
export async function orgPresetScope(env: Env, orgId: string): Promise<PresetScope> {
  const known = scopes.get(orgId);
  if (known) return known;
  const org = await findRtkPresetPrefix(env.DB, orgId);
  if (!org) throw notFound('The organisation');
  const scope = presetScope(orgId, org.rtk_preset_prefix);
  scopes.set(orgId, scope);
  return scope;
}
