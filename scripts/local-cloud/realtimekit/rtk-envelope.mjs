// RealtimeKit's own envelope: { success, data, paging? } (rtk.md §1.1). Errors: { success: false, error: { code, message } }
// (RTK's error body is undocumented; this follows its predecessor Dyte's v2 API).
import { json } from '../http/cf-envelope.mjs';

export class RtkApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }

  toResponse() {
    return json(this.status, { success: false, error: { code: this.status, message: this.message } });
  }
}

/** @param {unknown} data @param {{ paging?: object, status?: number }} [options] */
export function rtkOk(data, { paging, status = 200 } = {}) {
  const body = { success: true, data };
  if (paging) body.paging = paging;
  return json(status, body);
}

/**
 * Pages with RTK's `page_no` / `per_page`; returns the slice and RTK's paging object.
 * @param {URL} url @param {unknown[]} items
 */
export function rtkPage(url, items, defaultPerPage = 20) {
  const pageNo = Number(url.searchParams.get('page_no') ?? 1);
  const perPage = Number(url.searchParams.get('per_page') ?? defaultPerPage);
  if (!Number.isInteger(pageNo) || pageNo < 1) throw new RtkApiError(400, 'page_no must be a positive integer');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000)
    throw new RtkApiError(400, 'per_page must be between 1 and 1000');
  const start = (pageNo - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return {
    slice,
    paging: { total_count: items.length, start_offset: slice.length ? start + 1 : 0, end_offset: start + slice.length },
  };
}
