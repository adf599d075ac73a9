// RealtimeKit's own envelope: { success, data, paging? } (docs/rtk.md#base-url-and-auth). Errors: { success: false, error: { code, message } }
// (RTK's error body is undocumented; this follows its predecessor Dyte's v2 API).
import { json } from '../http/cf-envelope.ts';

export class RtkApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }

  toResponse(): Response {
    return json(this.status, { success: false, error: { code: this.status, message: this.message } });
  }
}

export interface RtkPaging {
  total_count: number;
  start_offset: number;
  end_offset: number;
}

export function rtkOk(data: unknown, { paging, status = 200 }: { paging?: RtkPaging; status?: number } = {}): Response {
  return json(status, { success: true, data, ...(paging ? { paging } : {}) });
}

/** Pages with RTK's `page_no` / `per_page`; returns the slice and RTK's paging object. */
export function rtkPage<T>(url: URL, items: T[], defaultPerPage = 20): { slice: T[]; paging: RtkPaging } {
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
