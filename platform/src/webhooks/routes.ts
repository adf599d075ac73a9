import { type RouteHandler, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env';
import { ApiError, errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { ingestDelivery, processStoredEvent } from './ingest';

export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

const ReceivedSchema = z
  .object({ received: z.literal(true), duplicate: z.boolean(), eventId: z.string().nullable() })
  .openapi('WebhookReceived');

/** The receiver, at the path RTK is given (`/webhooks/rtk`) and under `/api` (an alias for proxies that route `/api/*`). */
const receiveRoute = <P extends string>(path: P, operationId: string, summary: string) =>
  defineRoute('public', {
    method: 'post',
    path,
    operationId,
    tags: ['Webhooks'],
    summary,
    description:
      'Called by RealtimeKit, not by people. The body is verified with RTK’s RSA-SHA256 signature (`rtk-signature`) ' +
      'over the raw bytes before anything reads it, stored, deduplicated on the body’s SHA-256 (the signature covers ' +
      'only the body, so a replay is a duplicate whatever its `rtk-uuid` and `rtk-webhook-id`), and answered 200; ' +
      'processing follows. 401 on a bad signature (RTK does not retry), 5xx when the event could not be stored (RTK ' +
      'retries).',
    responses: {
      200: {
        description: 'Stored (or a duplicate of a stored delivery)',
        content: { 'application/json': { schema: ReceivedSchema } },
      },
      ...errorResponses(401, 413, 500, 503),
    },
  });

const receiveAtWebhooks = receiveRoute('/webhooks/rtk', 'receiveRtkWebhook', 'RealtimeKit webhook receiver');
const receiveUnderApi = receiveRoute(
  '/api/webhooks/rtk',
  'receiveRtkWebhookUnderApi',
  'RealtimeKit webhook receiver (the same, under /api)',
);

const receive: RouteHandler<typeof receiveAtWebhooks, AppEnv> = async (c) => {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > WEBHOOK_BODY_LIMIT_BYTES) throw new ApiError('payload_too_large', 'The webhook body is too large.');
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > WEBHOOK_BODY_LIMIT_BYTES)
    throw new ApiError('payload_too_large', 'The webhook body is too large.');
  const outcome = await ingestDelivery(c.env, c.req.raw.headers, raw);
  // Stored first, answered at once; processing goes on after the answer (a failure is retried by the cron).
  if (outcome.eventId) c.executionCtx.waitUntil(processStoredEvent(c.env, outcome.eventId));
  return c.json(outcome.body, 200);
};

export const webhookRoutes = createRouter().openapi(receiveAtWebhooks, receive).openapi(receiveUnderApi, receive);
