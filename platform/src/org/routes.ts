import { z } from '@hono/zod-openapi';
import { changesBranding } from '@castio/shared/presets';
import { toOrgSummary, findOrgById } from './queries';
import { createRouter } from '../http/router';
import { defineRoute } from '../auth/define-route';
import { errorResponses, notFound } from '../http/errors';
import { uploadBodyLimit } from '../http/json-body';
import { OrgSummarySchema } from '../auth/schemas';
import { OrgSettingsPatchSchema, OrgSettingsSchema } from './settings-schema';
import { getOrgSettings, updateOrgSettings } from './settings-service';
import { BRANDING_KINDS, readBrandingAsset, uploadBrandingAsset } from './branding';
import { PathIdSchema } from '@castio/shared/schemas';
import { reprovisionAfterBrandingChange } from '../presets/provision';

const BrandingSchema = z
  .object({
    theme: z.string(),
    brandColor: z.string(),
    logoUrl: z.string().nullable(),
    faviconUrl: z.string().nullable(),
  })
  .openapi('Branding');

const getOrg = defineRoute('authenticated', {
  method: 'get',
  path: '/api/org',
  operationId: 'getOrg',
  tags: ['Organisation'],
  summary: 'The caller’s organisation and its branding',
  responses: {
    200: {
      description: 'The organisation',
      content: { 'application/json': { schema: OrgSummarySchema.extend({ branding: BrandingSchema }) } },
    },
  },
});

const getSettings = defineRoute('org.settings.manage', {
  method: 'get',
  path: '/api/org/settings',
  operationId: 'getOrgSettings',
  tags: ['Organisation'],
  summary: 'Get every org setting',
  responses: { 200: { description: 'The settings', content: { 'application/json': { schema: OrgSettingsSchema } } } },
});

const patchSettings = defineRoute('org.settings.manage', {
  method: 'patch',
  path: '/api/org/settings',
  operationId: 'updateOrgSettings',
  tags: ['Organisation'],
  summary: 'Change some org settings',
  request: { body: { required: true, content: { 'application/json': { schema: OrgSettingsPatchSchema } } } },
  responses: {
    200: {
      description: 'The settings after the change',
      content: { 'application/json': { schema: OrgSettingsSchema } },
    },
    ...errorResponses(409),
  },
});

const FileSchema = z.instanceof(File).openapi({ type: 'string', format: 'binary' });

const uploadBranding = defineRoute('org.settings.manage', {
  method: 'post',
  path: '/api/org/branding',
  operationId: 'uploadBrandingImage',
  tags: ['Organisation'],
  summary: 'Upload the logo, favicon or recording watermark',
  description:
    'PNG, JPEG or WebP (favicon also ICO); the type is read from the file itself. Logo ≤ 2 MB, favicon ≤ 256 KB, watermark ≤ 1 MB.',
  request: {
    body: {
      required: true,
      content: { 'multipart/form-data': { schema: z.object({ kind: z.enum(BRANDING_KINDS), file: FileSchema }) } },
    },
  },
  responses: {
    201: {
      description: 'Stored; the org setting now points at it',
      content: {
        'application/json': {
          schema: z.object({
            kind: z.enum(BRANDING_KINDS),
            url: z.string(),
            contentType: z.string(),
            size: z.number(),
          }),
        },
      },
    },
    ...errorResponses(413, 415),
  },
});

const getBrandingAsset = defineRoute('public', {
  method: 'get',
  path: '/api/org/branding/{orgId}/{fileName}',
  operationId: 'getBrandingImage',
  tags: ['Organisation'],
  summary: 'A branding image (public: guests see the logo before signing in)',
  request: { params: z.object({ orgId: PathIdSchema, fileName: z.string().max(64) }) },
  responses: {
    200: { description: 'The image', content: { 'image/*': { schema: FileSchema } } },
    ...errorResponses(404),
  },
});

export const orgRoutes = createRouter()
  .openapi(getOrg, async (c) => {
    const { orgId } = c.get('auth');
    const [org, settings] = await Promise.all([findOrgById(c.env.DB, orgId), getOrgSettings(c.env, orgId)]);
    if (!org) throw notFound('The organisation');
    const branding = {
      theme: settings.theme,
      brandColor: settings.brandColor,
      logoUrl: settings.logoUrl,
      faviconUrl: settings.faviconUrl,
    };
    return c.json({ ...toOrgSummary(org), branding }, 200);
  })
  .openapi(getSettings, async (c) => c.json(await getOrgSettings(c.env, c.get('auth').orgId), 200))
  .openapi(patchSettings, async (c) => {
    const { orgId } = c.get('auth');
    const patch = c.req.valid('json');
    const settings = await updateOrgSettings(c.env, orgId, patch);
    if (changesBranding(patch)) await reprovisionAfterBrandingChange(c.env, orgId, settings);
    return c.json(settings, 200);
  })
  .openapi(getBrandingAsset, async (c) => {
    const { orgId, fileName } = c.req.valid('param');
    const object = await readBrandingAsset(c.env, orgId, fileName);
    return c.body(object.body, 200, {
      'Content-Type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    }) as never;
  });

// Registered with its own body limit (larger than JSON's) before the router's routes.
orgRoutes.use('/api/org/branding', uploadBodyLimit);
orgRoutes.openapi(uploadBranding, async (c) => {
  const { orgId } = c.get('auth');
  const { kind, file } = c.req.valid('form');
  const uploaded = await uploadBrandingAsset(c.env, orgId, kind, file);
  // The logo is shown in meetings through the presets' design tokens.
  if (kind === 'logo') await reprovisionAfterBrandingChange(c.env, orgId, await getOrgSettings(c.env, orgId));
  return c.json(uploaded, 201);
});
