import { isPresetName, listAllPresets, type RtkPresetBody, RtkPresetBodySchema } from '@castio/shared/presets';
import type { RtkClient, RtkPreset, RtkPresetSummary } from '@castio/shared/rtk';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { realtimeKit } from '../realtimekit/client';
import { orgPresetScope } from './org-preset-scope';
import { isReservedPresetName, type PresetScope } from './preset-scope';
import { lastProvisioningFailure } from './provision';
import { withRtkErrors } from './rtk-access';
import type { PresetPatch } from './schemas';

const toSummary = (preset: RtkPresetSummary, name: string) => ({
  id: preset.id,
  name,
  builtIn: isPresetName(name),
  createdAt: preset.created_at,
  updatedAt: preset.updated_at,
});

/** An RTK preset of the org, shown by the org's name for it. */
interface OwnPreset {
  preset: RtkPreset;
  name: string;
}

const toPreset = ({ preset, name }: OwnPreset) => ({
  ...toSummary(preset, name),
  config: preset.config ?? {},
  permissions: preset.permissions ?? {},
  ui: preset.ui ?? {},
});

/**
 * One of the org's presets by id. Every org's presets are in the deployment's one RTK app, told apart by their
 * names (preset-scope.ts): another org's preset is not found, like any other resource of theirs.
 */
async function ownPreset(rtk: RtkClient, scope: PresetScope, presetId: string): Promise<OwnPreset> {
  const preset = await rtk.presets.get(presetId);
  const name = scope.fromRtk(preset.name);
  if (name === null) throw notFound('The preset');
  return { preset, name };
}

/**
 * The 13 built-ins are kept equal to their definitions (plus branding) by provisioning, which would quietly
 * undo any edit; so they are changed only through Castio's code and branding, and varied by cloning.
 */
function refuseBuiltIn(name: string, action: string) {
  if (isPresetName(name)) {
    throw new ApiError(
      'built_in_preset',
      `“${name}” is one of Castio’s built-in presets and cannot be ${action}. Clone it to make your own variant.`,
    );
  }
}

/** A name an org chooses: not a built-in's, not one of its own presets', not in the space of other orgs' names. */
async function refuseUnavailableName(rtk: RtkClient, scope: PresetScope, name: string) {
  if (isReservedPresetName(name)) {
    throw new ApiError(
      'reserved_preset_name',
      `“${name}” starts like the names Castio gives other organisations’ presets (org-<id>-). Choose another name.`,
    );
  }
  refuseBuiltIn(name, 'used as a name for another preset');
  const rtkName = scope.toRtk(name);
  if ((await listAllPresets(rtk)).some((preset) => preset.name === rtkName)) {
    throw new ApiError('preset_name_taken', `A preset named “${name}” already exists.`);
  }
}

export async function listPresets(env: Env, orgId: string) {
  const rtk = realtimeKit(env);
  const [scope, presets, provisioningFailure] = await Promise.all([
    orgPresetScope(env, orgId),
    withRtkErrors(() => listAllPresets(rtk)),
    lastProvisioningFailure(env, orgId),
  ]);
  const items = presets.flatMap((preset) => {
    const name = scope.fromRtk(preset.name);
    return name === null ? [] : [toSummary(preset, name)];
  });
  return { items, provisioningFailure };
}

export async function getPreset(env: Env, orgId: string, presetId: string) {
  const rtk = realtimeKit(env);
  const scope = await orgPresetScope(env, orgId);
  return toPreset(await withRtkErrors(() => ownPreset(rtk, scope, presetId)));
}

export async function createPreset(env: Env, orgId: string, body: RtkPresetBody) {
  const rtk = realtimeKit(env);
  const scope = await orgPresetScope(env, orgId);
  return withRtkErrors(async () => {
    await refuseUnavailableName(rtk, scope, body.name);
    const preset = await rtk.presets.create({ ...body, name: scope.toRtk(body.name) });
    return toPreset({ preset, name: body.name });
  });
}

/** A copy under a new name. The source must be a complete preset (Castio's or one made here) to be copied. */
export async function clonePreset(env: Env, orgId: string, presetId: string, name: string) {
  const rtk = realtimeKit(env);
  const scope = await orgPresetScope(env, orgId);
  return withRtkErrors(async () => {
    const source = await ownPreset(rtk, scope, presetId);
    const copy = RtkPresetBodySchema.safeParse({
      name,
      config: source.preset.config,
      permissions: source.preset.permissions,
      ui: source.preset.ui,
    });
    if (!copy.success) {
      const details = copy.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new ApiError(
        'preset_not_copyable',
        `“${source.name}” has settings Castio cannot copy; clone one of the built-in presets instead.`,
        details,
      );
    }
    await refuseUnavailableName(rtk, scope, name);
    return toPreset({ preset: await rtk.presets.create({ ...copy.data, name: scope.toRtk(name) }), name });
  });
}

export async function updatePreset(env: Env, orgId: string, presetId: string, patch: PresetPatch) {
  const rtk = realtimeKit(env);
  const scope = await orgPresetScope(env, orgId);
  return withRtkErrors(async () => {
    const current = await ownPreset(rtk, scope, presetId);
    refuseBuiltIn(current.name, 'changed');
    const name = patch.name ?? current.name;
    if (name !== current.name) await refuseUnavailableName(rtk, scope, name);
    const changes = patch.name === undefined ? patch : { ...patch, name: scope.toRtk(patch.name) };
    const preset = await rtk.presets.update(presetId, changes);
    return toPreset({ preset, name });
  });
}

export async function deletePreset(env: Env, orgId: string, presetId: string) {
  const rtk = realtimeKit(env);
  const scope = await orgPresetScope(env, orgId);
  await withRtkErrors(async () => {
    const current = await ownPreset(rtk, scope, presetId);
    refuseBuiltIn(current.name, 'deleted');
    await rtk.presets.delete(presetId);
  });
}
