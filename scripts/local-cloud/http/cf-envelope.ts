// Cloudflare API v4 envelope: { success, errors[{code,message}], messages, result, result_info? }.

/** One entry of `errors` (or of an error's `error_chain`). */
export interface CfErrorEntry {
  code: number;
  message: string;
  error_chain?: CfErrorEntry[];
}

/** An error that answers with Cloudflare's envelope and status. */
export class CfApiError extends Error {
  readonly status: number;
  /** Cloudflare's error code (errors[0].code). */
  readonly code: number;
  readonly errorChain: CfErrorEntry[] | undefined;
  readonly extraErrors: CfErrorEntry[];

  constructor(
    status: number,
    code: number,
    message: string,
    more: { errorChain?: CfErrorEntry[]; extraErrors?: CfErrorEntry[] } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.errorChain = more.errorChain;
    this.extraErrors = more.extraErrors ?? [];
  }

  toResponse(): Response {
    const first: CfErrorEntry = { code: this.code, message: this.message };
    if (this.errorChain) first.error_chain = this.errorChain;
    return json(this.status, { success: false, errors: [first, ...this.extraErrors], messages: [], result: null });
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A successful envelope. */
export function cfOk(
  result: unknown,
  { resultInfo, messages = [], status = 200 }: { resultInfo?: object; messages?: object[]; status?: number } = {},
): Response {
  return json(status, {
    success: true,
    errors: [],
    messages,
    result,
    ...(resultInfo ? { result_info: resultInfo } : {}),
  });
}

/** Page an array the way Cloudflare's page-based lists do (`page`, `per_page`, result_info). */
export function cfPage(
  url: URL,
  items: unknown[],
  { defaultPerPage = 20, maxPerPage = 1000 }: { defaultPerPage?: number; maxPerPage?: number } = {},
): Response {
  const page = positiveInt(url.searchParams.get('page'), 1, 'page');
  const perPage = Math.min(positiveInt(url.searchParams.get('per_page'), defaultPerPage, 'per_page'), maxPerPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return cfOk(slice, {
    resultInfo: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / perPage)),
    },
  });
}

function positiveInt(raw: string | null, fallback: number, name: string): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CfApiError(400, 10001, `${name} must be a positive integer`);
  return n;
}

export const notFoundRoute = (pathname: string) =>
  new CfApiError(400, 7003, `Could not route to ${pathname}, perhaps your object identifier is invalid?`, {
    extraErrors: [{ code: 7000, message: 'No route for that URI' }],
  });

export const methodNotAllowed = () => new CfApiError(405, 10405, 'Method not allowed');
