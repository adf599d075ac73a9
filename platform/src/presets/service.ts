import { isPresetName } from '../../../shared/src/presets/preset-definitions';
import { type RtkPresetBody, RtkPresetBodySchema } from '../../../shared/src/presets/preset-schema';
import type { RtkClient, RtkPreset, RtkPresetSummary } from '../../../shared/src/rtk';
import type { Env } from '../env';
import { ApiError, conflict } from '../http/errors';
import { lastProvisioningFailure } from './provision';
import { realtimeKit } from '../realtimekit/client';
import { listAllPresets, withRtkErrors } from './rtk-access';
import type { PresetPatch } from './schemas';

const toSummary = (preset: RtkPresetSummary) => ({
  id: preset.id,
  name: preset.name,
  builtIn: isPresetName(preset.name),
  createdAt: preset.created_at,
  updatedAt: preset.updated_at,
});

const toPreset = (preset: RtkPreset) => ({
  ...toSummary(preset),
  config: preset.config ?? {},
  permissions: preset.permissions ?? {},
  ui: preset.ui ?? {},
});

/**
 * The 13 built-ins are kept equal to their definitions (plus branding) by provisioning, which would quietly
 * undo any edit; so they are changed only through Castio's code and branding, and varied by cloning.
 */
function refuseBuiltIn(name: string, action: string) {
  if (isPresetName(name)) {
    throw conflict(
      'built_in_preset',
      `“${name}” is one of Castio’s built-in presets and cannot be ${action}. Clone it to make your own variant.`,
    );
  }
}

async function refuseTakenName(rtk: RtkClient, name: string) {
  refuseBuiltIn(name, 'used as a name for another preset');
  if ((await listAllPresets(rtk)).some((preset) => preset.name === name)) {
    throw conflict('preset_name_taken', `A preset named “${name}” already exists.`);
  }
}

export async function listPresets(env: Env, orgId: string) {
  const rtk = realtimeKit(env);
  const [presets, provisioningFailure] = await Promise.all([
    withRtkErrors(() => listAllPresets(rtk)),
    lastProvisioningFailure(env, orgId),
  ]);
  return { items: presets.map(toSummary), provisioningFailure };
}

export async function getPreset(env: Env, presetId: string) {
  const rtk = realtimeKit(env);
  return toPreset(await withRtkErrors(() => rtk.presets.get(presetId)));
}

export async function createPreset(env: Env, body: RtkPresetBody) {
  const rtk = realtimeKit(env);
  return withRtkErrors(async () => {
    await refuseTakenName(rtk, body.name);
    return toPreset(await rtk.presets.create(body));
  });
}

/** A copy under a new name. The source must be a complete preset (Castio's or one made here) to be copied. */
export async function clonePreset(env: Env, presetId: string, name: string) {
  const rtk = realtimeKit(env);
  return withRtkErrors(async () => {
    const source = await rtk.presets.get(presetId);
    const copy = RtkPresetBodySchema.safeParse({
      name,
      config: source.config,
      permissions: source.permissions,
      ui: source.ui,
    });
    if (!copy.success) {
      const details = copy.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new ApiError(
        422,
        'preset_not_copyable',
        `“${source.name}” has settings Castio cannot copy; clone one of the built-in presets instead.`,
        details,
      );
    }
    await refuseTakenName(rtk, name);
    return toPreset(await rtk.presets.create(copy.data));
  });
}

export async function updatePreset(env: Env, presetId: string, patch: PresetPatch) {
  const rtk = realtimeKit(env);
  return withRtkErrors(async () => {
    const current = await rtk.presets.get(presetId);
    refuseBuiltIn(current.name, 'changed');
    if (patch.name !== undefined && patch.name !== current.name) await refuseTakenName(rtk, patch.name);
    return toPreset(await rtk.presets.update(presetId, patch));
  });
}

export async function deletePreset(env: Env, presetId: string) {
  const rtk = realtimeKit(env);
  await withRtkErrors(async () => {
    const current = await rtk.presets.get(presetId);
    refuseBuiltIn(current.name, 'deleted');
    await rtk.presets.delete(presetId);
  });
}
