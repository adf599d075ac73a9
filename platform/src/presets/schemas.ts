import { z } from '@hono/zod-openapi';
import { PRESET_NAMES, RtkPresetBodySchema, RtkPresetNameSchema } from '@castio/shared/presets';
import { patchBody } from '@castio/shared/schemas';

/**
 * RTK's preset body, snake_case as RTK takes it (spec §5.4); the shared schema is the one definition. Named with
 * zod's own `.meta()`: `.openapi()` exists only on schemas created after @hono/zod-openapi extended zod (zod binds
 * a schema's methods when it is made), and @castio/shared's schemas may be made first.
 */
export const PresetBodySchema = RtkPresetBodySchema.meta({ id: 'PresetBody' });

export const PresetPatchSchema = patchBody(
  RtkPresetBodySchema.shape,
  'Send at least one of name, config, permissions, ui.',
).openapi('PresetPatch', { description: 'Each part given replaces that part; parts left out stay.' });
export type PresetPatch = z.infer<typeof PresetPatchSchema>;

export const PresetCloneSchema = z.strictObject({ name: RtkPresetNameSchema }).openapi('PresetClone');

export const ProvisionRequestSchema = z.strictObject({}).openapi('PresetProvisionRequest');

export const PresetSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    builtIn: z.boolean().openapi({ description: 'One of the 13 presets Castio provisions; not editable here.' }),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('PresetSummary');

/** As RTK holds it: RTK may add fields of its own, so these are not held to PresetBody. */
const rtkPart = z.record(z.string(), z.unknown());

export const PresetSchema = PresetSummarySchema.extend({
  config: rtkPart,
  permissions: rtkPart,
  ui: rtkPart,
}).openapi('Preset');

export const PresetListSchema = z
  .object({
    items: z.array(PresetSummarySchema),
    provisioningFailure: z.object({ at: z.string(), message: z.string() }).nullable().openapi({
      description: 'Set when re-branding the built-in presets failed; retry with POST /api/presets/provision.',
    }),
  })
  .openapi('PresetList');

const presetNames = z.array(z.enum(PRESET_NAMES));
export const ProvisionResultSchema = z
  .object({
    created: presetNames,
    updated: presetNames,
    unchanged: presetNames,
    duplicatesRemoved: z.number().int(),
  })
  .openapi('PresetProvisionResult');
