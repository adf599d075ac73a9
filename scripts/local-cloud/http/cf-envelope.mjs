// Cloudflare API v4 envelope: { success, errors[{code,message}], messages, result, result_info? }.

/** An error that answers with Cloudflare's envelope and status. */
export class CfApiError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {number} code Cloudflare error code (errors[0].code)
   * @param {string} message
   * @param {{ errorChain?: {code:number,message:string}[], extraErrors?: {code:number,message:string}[] }} [more]
   */
  constructor(status, code, message, more = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.errorChain = more.errorChain;
    this.extraErrors = more.extraErrors ?? [];
  }

  toResponse() {
    const first = { code: this.code, message: this.message };
    if (this.errorChain) first.error_chain = this.errorChain;
    return json(this.status, { success: false, errors: [first, ...this.extraErrors], messages: [], result: null });
  }
}

/** @param {number} status @param {unknown} body @param {Record<string,string>} [headers] */
export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * A successful envelope.
 * @param {unknown} result
 * @param {{ resultInfo?: object, messages?: object[], status?: number }} [options]
 */
export function cfOk(result, { resultInfo, messages = [], status = 200 } = {}) {
  const body = { success: true, errors: [], messages, result };
  if (resultInfo) body.result_info = resultInfo;
  return json(status, body);
}

/**
 * Page an array the way Cloudflare's page-based lists do (`page`, `per_page`, result_info).
 * @param {URL} url @param {unknown[]} items @param {{ defaultPerPage?: number, maxPerPage?: number }} [options]
 */
export function cfPage(url, items, { defaultPerPage = 20, maxPerPage = 1000 } = {}) {
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

function positiveInt(raw, fallback, name) {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CfApiError(400, 10001, `${name} must be a positive integer`);
  return n;
}

export const notFoundRoute = (pathname) =>
  new CfApiError(400, 7003, `Could not route to ${pathname}, perhaps your object identifier is invalid?`, {
    extraErrors: [{ code: 7000, message: 'No route for that URI' }],
  });

export const methodNotAllowed = () => new CfApiError(405, 10405, 'Method not allowed');
