import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { defineRoute } from '../auth/define-route';
import type { AppEnv } from '../http/app-env';
import { jsonResponse } from '../http/json-content';

export const SCALAR_BUNDLE_PATH = '/vendor/scalar-api-reference.js';

/** The top level of the OpenAPI document; the registered routes make up the rest. */
const DOCUMENT_OBJECT = {
  openapi: '3.1.0',
  info: {
    title: 'Castio platform API',
    version: '0.1.0',
    description:
      'Meetings, users and organisation settings of a Castio deployment. Errors use one envelope: `{ "error": { "code", "message", "details"? } }` (the `Error` schema). `code` is stable: switch on it; its enum lists every code, and each error status’s schema (`Error409`, …) lists the codes that status can carry.',
  },
  // Every deployment serves its own document, so its paths are relative to where it is served from.
  servers: [{ url: '/', description: 'The Castio deployment serving this document' }],
};

const tags = ['Reference'];

const healthRoute = defineRoute('public', {
  method: 'get',
  path: '/api/health',
  operationId: 'getLiveness',
  tags,
  summary: 'Liveness: the Worker answers (see /api/diagnostics/health for its dependencies)',
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }).openapi('Liveness'), 'Alive') },
});

const documentRoute = defineRoute('public', {
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  tags,
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: jsonResponse(
      z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }) }),
      'The OpenAPI document',
    ),
  },
});

const referencePageRoute = defineRoute('public', {
  method: 'get',
  path: '/api/docs',
  operationId: 'getApiReference',
  tags,
  summary: 'The API reference page, rendering this document',
  responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
});

/** Liveness, the OpenAPI document and its reference page: routes about the API, in the document like any other. */
export function addReferenceRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));
  app.openapi(documentRoute, (c) => c.json(app.getOpenAPI31Document(DOCUMENT_OBJECT), 200));
  // The reference UI is served from our own assets: nothing loads from a CDN at run time.
  const referencePage = Scalar<AppEnv>({
    url: documentRoute.path,
    pageTitle: 'Castio API reference',
    cdn: SCALAR_BUNDLE_PATH,
    withDefaultFonts: false,
  });
  // Scalar's middleware always answers with the page; it never calls `next`.
  app.openapi(referencePageRoute, async (c) => (await referencePage(c, async () => {})) as Response);
}
