import { z } from '@hono/zod-openapi';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { CursorQuerySchema, PathIdSchema, patchBody } from '@castio/shared/schemas';
import {
  activeMeetings,
  getDelivery,
  getDiagnosticsSettings,
  healthNow,
  listDeliveries,
  manualPhoneHome,
  updateDiagnosticsSettings,
} from './service';

const tags = ['Diagnostics'];
const Probe = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
  skipped: z.boolean().optional(),
});
const HealthStatus = z.enum(['healthy', 'degraded', 'unhealthy']);

const HealthSchema = z
  .object({
    id: z.string(),
    status: HealthStatus,
    checkType: z.enum(['scheduled', 'manual', 'phone_home']),
    checkedAt: z.string(),
    checks: z.object({ d1: Probe, kv: Probe, r2: Probe, rtk: Probe }),
    activeMeetings: z.number(),
    activeParticipants: z.number(),
    history: z.array(
      z.object({
        id: z.string(),
        checkType: z.string(),
        status: HealthStatus,
        d1LatencyMs: z.number().nullable(),
        kvLatencyMs: z.number().nullable(),
        r2LatencyMs: z.number().nullable(),
        rtkApiLatencyMs: z.number().nullable(),
        rtkApiReachable: z.boolean(),
        activeMeetings: z.number(),
        activeParticipants: z.number(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('Health');

const DeliveryStatus = z.enum(['received', 'processing', 'processed', 'failed', 'retry_exhausted']);
const DeliverySchema = z
  .object({
    id: z.string(),
    eventType: z.string(),
    rtkDeliveryId: z.string().nullable(),
    meetingId: z.string().nullable(),
    rtkSessionId: z.string().nullable(),
    status: DeliveryStatus,
    attempt: z.number(),
    processingDurationMs: z.number().nullable(),
    errorMessage: z.string().nullable(),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery');

const DsnSchema = z
  .string()
  .trim()
  .max(500)
  .regex(
    /^https:\/\/[A-Za-z0-9]+@[A-Za-z0-9.-]+(:\d+)?\/(?:[\w.-]+\/)*\d+$/,
    'Use a Sentry DSN like https://key@o0.ingest.sentry.io/123.',
  );

const SettingsSchema = z
  .object({ sentryVendorEnabled: z.boolean(), sentryCustomerDsn: z.string().nullable(), phoneHomeEnabled: z.boolean() })
  .openapi('DiagnosticsSettings');
const SettingsPatchSchema = patchBody({
  sentryVendorEnabled: z.boolean(),
  sentryCustomerDsn: DsnSchema.nullable(),
  phoneHomeEnabled: z.boolean(),
}).openapi('DiagnosticsSettingsPatch');

const healthRoute = defineRoute('diagnostics.view', {
  method: 'get',
  path: '/api/diagnostics/health',
  operationId: 'getHealth',
  tags,
  summary: 'Probe D1, KV, R2 and the RTK API now; the result is stored with the recent history',
  responses: { 200: { description: 'Health', content: { 'application/json': { schema: HealthSchema } } } },
});

const deliveriesRoute = defineRoute('diagnostics.view', {
  method: 'get',
  path: '/api/diagnostics/webhooks',
  operationId: 'listWebhookDeliveries',
  tags,
  summary: 'Webhook deliveries (newest first), with 24-hour failure figures',
  request: {
    query: CursorQuerySchema.extend({ status: DeliveryStatus.optional(), eventType: z.string().max(64).optional() }),
  },
  responses: {
    200: {
      description: 'A page of deliveries',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(DeliverySchema),
            nextCursor: z.string().nullable(),
            last24h: z.object({
              total: z.number(),
              failed: z.number(),
              retryExhausted: z.number(),
              pending: z.number(),
              failureRate: z.number(),
            }),
          }),
        },
      },
    },
  },
});

const deliveryRoute = defineRoute('diagnostics.view', {
  method: 'get',
  path: '/api/diagnostics/webhooks/{deliveryId}',
  operationId: 'getWebhookDelivery',
  tags,
  summary: 'One webhook delivery',
  request: { params: z.object({ deliveryId: PathIdSchema }) },
  responses: {
    200: {
      description: 'The delivery',
      content: {
        'application/json': {
          schema: DeliverySchema.extend({
            payloadSummary: z.string().nullable(),
            nextAttemptAt: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(404),
  },
});

const activeRoute = defineRoute('diagnostics.view', {
  method: 'get',
  path: '/api/diagnostics/active-meetings',
  operationId: 'listActiveMeetings',
  tags,
  summary: 'Meetings with a live session now',
  responses: {
    200: {
      description: 'Live meetings',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(
              z.object({
                meetingId: z.string(),
                title: z.string(),
                meetingType: z.string(),
                sessionId: z.string(),
                startedAt: z.string().nullable(),
                participantCount: z.number(),
                peakParticipantCount: z.number(),
                durationSeconds: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
  },
});

const phoneHomeRoute = defineRoute('diagnostics.manage', {
  method: 'post',
  path: '/api/diagnostics/phone-home',
  operationId: 'sendPhoneHome',
  tags,
  summary: 'Send a phone-home health report now (no personal data)',
  description: 'With `dryRun`, the report is built and shown but not sent.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ dryRun: z.boolean().default(false) })
            .strict()
            .openapi('PhoneHomeRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Delivered; `sent` is exactly what left the deployment',
      content: {
        'application/json': {
          schema: z.object({ delivered: z.boolean(), status: HealthStatus, sent: z.record(z.string(), z.unknown()) }),
        },
      },
    },
    ...errorResponses(409, 502),
  },
});

const getSettingsRoute = defineRoute('diagnostics.view', {
  method: 'get',
  path: '/api/diagnostics/settings',
  operationId: 'getDiagnosticsSettings',
  tags,
  summary: 'Error reporting and phone-home settings',
  responses: { 200: { description: 'Settings', content: { 'application/json': { schema: SettingsSchema } } } },
});

const patchSettingsRoute = defineRoute('diagnostics.manage', {
  method: 'patch',
  path: '/api/diagnostics/settings',
  operationId: 'updateDiagnosticsSettings',
  tags,
  summary: 'Toggle vendor Sentry and phone-home, set the customer’s own Sentry DSN',
  request: { body: { required: true, content: { 'application/json': { schema: SettingsPatchSchema } } } },
  responses: { 200: { description: 'Settings', content: { 'application/json': { schema: SettingsSchema } } } },
});

export const diagnosticsRoutes = createRouter()
  .openapi(healthRoute, async (c) => c.json(await healthNow(c.env, c.get('auth')), 200))
  .openapi(deliveriesRoute, async (c) =>
    c.json(await listDeliveries(c.env.DB, c.get('auth').orgId, c.req.valid('query')), 200),
  )
  .openapi(deliveryRoute, async (c) =>
    c.json(await getDelivery(c.env.DB, c.get('auth').orgId, c.req.valid('param').deliveryId), 200),
  )
  .openapi(activeRoute, async (c) => c.json(await activeMeetings(c.env.DB, c.get('auth').orgId), 200))
  .openapi(phoneHomeRoute, async (c) =>
    c.json(await manualPhoneHome(c.env, c.get('auth'), c.req.valid('json').dryRun), 200),
  )
  .openapi(getSettingsRoute, async (c) => c.json(await getDiagnosticsSettings(c.env.DB, c.get('auth').orgId), 200))
  .openapi(patchSettingsRoute, async (c) =>
    c.json(await updateDiagnosticsSettings(c.env.DB, c.get('auth').orgId, c.req.valid('json')), 200),
  );
