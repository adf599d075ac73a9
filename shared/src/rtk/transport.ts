import type { z } from 'zod';
import { type RtkEnvelope, type RtkPage, readErrorBody, readPaging, rtkEnvelopeSchema } from './envelope';
import { codeForStatus, describeFailure, type RtkErrorCode, RtkError } from './errors';

export type RtkQuery = Record<string, string | number | boolean | undefined>;

/** One REST call below `…/realtime/kit/{app_id}`. */
export interface RtkCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the app, path segments already encoded: `/meetings/${pathPart(id)}`. */
  path: string;
  query?: RtkQuery;
  body?: unknown;
  /** Sending it twice leaves RTK as sending it once would. Only these calls are retried. */
  idempotent: boolean;
  /** What the call does, in plain words, for error messages: "get meeting 123". */
  what: string;
}

export interface RtkTransport {
  /** The answer's `data`, read with `schema`. */
  data<S extends z.ZodType>(call: RtkCall, schema: S): Promise<z.output<S>>;
  /** As `data`, but a 404 means "there is none" (no active session, recording, livestream). */
  dataOrNull<S extends z.ZodType>(call: RtkCall, schema: S): Promise<z.output<S> | null>;
  /** A list: `listSchema` turns `data` into the items, paging comes from the envelope. */
  page<T>(call: RtkCall, listSchema: z.ZodType<T[]>): Promise<RtkPage<T>>;
  /** A call whose effect matters, not its answer. */
  send(call: RtkCall): Promise<void>;
}

export const pathPart = (value: string) => encodeURIComponent(value);

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const BACKOFF_BASE_MS = 200;
/** Longer waits than this are not worth holding a request open for: the caller gets `retryAfterSeconds`. */
const MAX_RETRY_WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After as seconds (delta or HTTP date); undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Exponential backoff with jitter, or RTK's own Retry-After; null when RTK asks for a longer wait than we hold. */
function retryDelayMs(attempt: number, retryAfter: number | undefined): number | null {
  if (retryAfter !== undefined) return retryAfter * 1000 <= MAX_RETRY_WAIT_MS ? retryAfter * 1000 : null;
  return Math.round(BACKOFF_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** How to reach one RTK app; `createRtkClient` takes it. */
export interface RtkClientConfig {
  /** `https://api.cloudflare.com/client/v4` in production; the local cloud's in dev and tests. */
  apiBase: string;
  accountId: string;
  appId: string;
  /** A Cloudflare API token with the Realtime (read) or Realtime Admin permission. */
  apiToken: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls after a network error, timeout, 5xx or 429. Default 2. */
  retries?: number;
}

export function createTransport(config: RtkClientConfig): RtkTransport {
  const appBase =
    `${config.apiBase.replace(/\/+$/, '')}/accounts/${pathPart(config.accountId)}` +
    `/realtime/kit/${pathPart(config.appId)}`;
  // Looked up per call, so a fetch replaced after the client was made (test doubles, instrumentation) is used.
  const doFetch = config.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = config.retries ?? DEFAULT_RETRIES;

  const failure = (
    call: RtkCall,
    code: RtkErrorCode,
    status: number,
    detail: string | null,
    extra: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) =>
    new RtkError({
      status,
      code,
      method: call.method,
      path: call.path,
      message: describeFailure(call.what, code, status, detail, config.apiToken),
      ...extra,
    });

  const urlFor = (call: RtkCall) => {
    const url = new URL(`${appBase}${call.path}`);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  };

  async function attempt(call: RtkCall): Promise<{ status: number; envelope: RtkEnvelope }> {
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { authorization: `Bearer ${config.apiToken}`, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await doFetch(urlFor(call), {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
      });
      text = await response.text();
    } catch (cause) {
      throw failure(call, signal.aborted ? 'timeout' : 'network', 0, null, { cause });
    }
    const body = parseJson(text);
    if (!response.ok) {
      const { detail, gatewayCode } = readErrorBody(body);
      throw failure(call, codeForStatus(response.status, gatewayCode), response.status, detail, {
        retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
      });
    }
    const envelope = rtkEnvelopeSchema.safeParse(body);
    if (!envelope.success)
      throw failure(call, 'invalid_response', response.status, 'the body is not a { success, data } JSON envelope');
    if (envelope.data.success === false) {
      const { detail } = readErrorBody(body);
      throw failure(call, 'invalid_response', response.status, detail ?? 'success is false on a 2xx answer');
    }
    return { status: response.status, envelope: envelope.data };
  }

  async function exchange(call: RtkCall) {
    const attempts = call.idempotent ? retries + 1 : 1;
    for (let made = 1; ; made++) {
      try {
        return await attempt(call);
      } catch (error) {
        if (!(error instanceof RtkError) || !error.retryable || made >= attempts) throw error;
        const wait = retryDelayMs(made, error.retryAfterSeconds);
        if (wait === null) throw error;
        await sleep(wait);
      }
    }
  }

  const read = <S extends z.ZodType>(call: RtkCall, schema: S, status: number, value: unknown): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const [issue] = parsed.error.issues;
    const where = issue?.path.length ? `data.${issue.path.join('.')}` : 'data';
    throw failure(call, 'invalid_response', status, `${where}: ${issue?.message ?? 'unreadable'}`);
  };

  return {
    async data(call, schema) {
      const { status, envelope } = await exchange(call);
      return read(call, schema, status, envelope.data);
    },
    async dataOrNull(call, schema) {
      try {
        const { status, envelope } = await exchange(call);
        return read(call, schema, status, envelope.data);
      } catch (error) {
        if (error instanceof RtkError && error.code === 'not_found') return null;
        throw error;
      }
    },
    async page(call, listSchema) {
      const { status, envelope } = await exchange(call);
      return { items: read(call, listSchema, status, envelope.data), paging: readPaging(envelope.paging) };
    },
    async send(call) {
      await exchange(call);
    },
  };
}
