import { z } from 'zod';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkTransport } from './transport';

/** A webhook configuration. RTK returns no secret: deliveries are signed with one global RSA key (docs/rtk.md#webhook-signatures). */
export const rtkWebhookSchema = z.looseObject({
  id: rtkId,
  name: lenient.string,
  url: lenient.string,
  events: lenient.strings,
  enabled: lenient.boolean,
  created_at: lenient.string,
  updated_at: lenient.string,
});
export type RtkWebhook = z.output<typeof rtkWebhookSchema>;

export interface RtkWebhookCreate {
  name: string;
  url: string;
  /** Event names (docs/rtk.md#webhook-events); plain strings, so a config holding events newer than this code round-trips. */
  events: readonly string[];
  /** Default true. */
  enabled?: boolean;
}

export interface RtkWebhooksApi {
  list(): Promise<RtkWebhook[]>;
  create(input: RtkWebhookCreate): Promise<RtkWebhook>;
  update(id: string, patch: Partial<RtkWebhookCreate>): Promise<RtkWebhook>;
  delete(id: string): Promise<void>;
}

export function webhooksApi(rtk: RtkTransport): RtkWebhooksApi {
  const one = (id: string) => `/webhooks/${pathPart(id)}`;
  return {
    list: () =>
      rtk.data(
        { method: 'GET', path: '/webhooks', idempotent: true, what: 'list webhooks' },
        z.array(rtkWebhookSchema),
      ),
    create: (input) =>
      rtk.data(
        { method: 'POST', path: '/webhooks', body: input, idempotent: false, what: `create webhook ${input.name}` },
        rtkWebhookSchema,
      ),
    update: (id, patch) =>
      rtk.data(
        { method: 'PATCH', path: one(id), body: patch, idempotent: true, what: `update webhook ${id}` },
        rtkWebhookSchema,
      ),
    delete: (id) => rtk.send({ method: 'DELETE', path: one(id), idempotent: true, what: `delete webhook ${id}` }),
  };
}
