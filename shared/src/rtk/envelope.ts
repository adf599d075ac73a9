import { z } from 'zod';

/**
 * RealtimeKit's own envelope (docs/rtk.md#base-url-and-auth), not Cloudflare's `{ result }` one. `success` is optional here
 * because a 2xx without it still carries usable `data`; only an explicit `false` is a refusal.
 */
export const rtkEnvelopeSchema = z.looseObject({
  success: z.boolean().optional(),
  data: z.unknown(),
  paging: z.unknown().optional(),
});
export type RtkEnvelope = z.output<typeof rtkEnvelopeSchema>;

export const rtkPagingSchema = z.looseObject({
  total_count: z.number(),
  start_offset: z.number(),
  end_offset: z.number(),
});
export type RtkPaging = z.output<typeof rtkPagingSchema>;

export interface RtkPage<T> {
  items: T[];
  /** Null when RTK sent no (or no readable) paging object. */
  paging: RtkPaging | null;
}

/** Paging is informational: a malformed one must not fail a list that arrived fine. */
export const readPaging = (value: unknown): RtkPaging | null => {
  const parsed = rtkPagingSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

/** RTK's error body (Dyte v2 style), and the API gateway's (Cloudflare v4 style) for auth failures. */
const rtkErrorBodySchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });
const gatewayErrorBodySchema = z.looseObject({
  errors: z.array(z.looseObject({ code: z.number(), message: z.string() })).min(1),
});
const messageBodySchema = z.looseObject({ message: z.string() });
const MAX_DETAIL_CHARS = 300;

/** RTK's own words about a failure, and the gateway's error code when the gateway answered. */
export function readErrorBody(body: unknown): { detail: string | null; gatewayCode?: number } {
  const rtk = rtkErrorBodySchema.safeParse(body);
  if (rtk.success) return { detail: rtk.data.error.message.slice(0, MAX_DETAIL_CHARS) };
  const gateway = gatewayErrorBodySchema.safeParse(body);
  if (gateway.success) {
    const [first] = gateway.data.errors;
    if (first) return { detail: first.message.slice(0, MAX_DETAIL_CHARS), gatewayCode: first.code };
  }
  const plain = messageBodySchema.safeParse(body);
  return { detail: plain.success ? plain.data.message.slice(0, MAX_DETAIL_CHARS) : null };
}

export interface RtkPageQuery {
  /** 1-based. */
  page?: number;
  perPage?: number;
}

/** RTK's paging parameters (`page_no`, `per_page`). */
export const pageQuery = (q: RtkPageQuery = {}) => ({ page_no: q.page, per_page: q.perPage });
