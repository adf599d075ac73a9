import { z } from '@hono/zod-openapi';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { PathIdSchema } from '@castio/shared/schemas';
import { getOrgSettings } from '../org/settings-service';
import { provisionPresets } from './provision';
import {
  PresetBodySchema,
  PresetCloneSchema,
  PresetListSchema,
  PresetPatchSchema,
  PresetSchema,
  ProvisionRequestSchema,
  ProvisionResultSchema,
} from './schemas';
import { clonePreset, createPreset, deletePreset, getPreset, listPresets, updatePreset } from './service';

const tags = ['Presets'];
const presetParams = z.object({ presetId: PathIdSchema });
const presetResponse = { description: 'The preset', content: { 'application/json': { schema: PresetSchema } } };
/** Every route here talks to RealtimeKit, where presets live (spec §12.5): 502 when it fails, 503 when unset. */
const rtkErrors = errorResponses(502, 503);
const jsonBody = <S extends z.ZodType>(schema: S) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

const listRoute = defineRoute('presets.manage', {
  method: 'get',
  path: '/api/presets',
  operationId: 'listPresets',
  tags,
  summary: 'The organisation’s RealtimeKit presets',
  responses: {
    200: { description: 'Presets', content: { 'application/json': { schema: PresetListSchema } } },
    ...rtkErrors,
  },
});

const getRoute = defineRoute('presets.manage', {
  method: 'get',
  path: '/api/presets/{presetId}',
  operationId: 'getPreset',
  tags,
  summary: 'One preset with its permissions and design tokens',
  request: { params: presetParams },
  responses: { 200: presetResponse, ...errorResponses(404), ...rtkErrors },
});

const createRoute = defineRoute('presets.manage', {
  method: 'post',
  path: '/api/presets',
  operationId: 'createPreset',
  tags,
  summary: 'Create a custom preset',
  request: jsonBody(PresetBodySchema),
  responses: { 201: presetResponse, ...errorResponses(409, 422), ...rtkErrors },
});

const cloneRoute = defineRoute('presets.manage', {
  method: 'post',
  path: '/api/presets/{presetId}/clone',
  operationId: 'clonePreset',
  tags,
  summary: 'Copy a preset under a new name, to customise it',
  request: { params: presetParams, ...jsonBody(PresetCloneSchema) },
  responses: { 201: presetResponse, ...errorResponses(404, 409, 422), ...rtkErrors },
});

const patchRoute = defineRoute('presets.manage', {
  method: 'patch',
  path: '/api/presets/{presetId}',
  operationId: 'updatePreset',
  tags,
  summary: 'Change a custom preset (built-ins follow Castio’s definitions and your branding)',
  request: { params: presetParams, ...jsonBody(PresetPatchSchema) },
  responses: { 200: presetResponse, ...errorResponses(404, 409, 422), ...rtkErrors },
});

const deleteRoute = defineRoute('presets.manage', {
  method: 'delete',
  path: '/api/presets/{presetId}',
  operationId: 'deletePreset',
  tags,
  summary: 'Delete a custom preset (the 13 built-ins cannot be deleted)',
  request: { params: presetParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409), ...rtkErrors },
});

const provisionRoute = defineRoute('presets.manage', {
  method: 'post',
  path: '/api/presets/provision',
  operationId: 'provisionPresets',
  tags,
  summary: 'Create or update the 13 built-in presets with the organisation’s branding',
  description: 'Idempotent: a second call changes nothing. Runs by itself after branding changes; use this to retry.',
  request: jsonBody(ProvisionRequestSchema),
  responses: {
    200: { description: 'What changed', content: { 'application/json': { schema: ProvisionResultSchema } } },
    ...rtkErrors,
  },
});

/** Every preset route works on the caller's org's presets only (service.ts: another org's are not found). */
export const presetRoutes = createRouter()
  .openapi(provisionRoute, async (c) => {
    const { orgId } = c.get('auth');
    return c.json(await provisionPresets(c.env, orgId, await getOrgSettings(c.env, orgId)), 200);
  })
  .openapi(listRoute, async (c) => c.json(await listPresets(c.env, c.get('auth').orgId), 200))
  .openapi(getRoute, async (c) =>
    c.json(await getPreset(c.env, c.get('auth').orgId, c.req.valid('param').presetId), 200),
  )
  .openapi(createRoute, async (c) => c.json(await createPreset(c.env, c.get('auth').orgId, c.req.valid('json')), 201))
  .openapi(cloneRoute, async (c) =>
    c.json(await clonePreset(c.env, c.get('auth').orgId, c.req.valid('param').presetId, c.req.valid('json').name), 201),
  )
  .openapi(patchRoute, async (c) =>
    c.json(await updatePreset(c.env, c.get('auth').orgId, c.req.valid('param').presetId, c.req.valid('json')), 200),
  )
  .openapi(deleteRoute, async (c) => {
    await deletePreset(c.env, c.get('auth').orgId, c.req.valid('param').presetId);
    return c.body(null, 204);
  });
