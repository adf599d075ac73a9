import { type RtkClient, RtkError, type RtkPresetSummary } from '@castio/shared/rtk';
import { ApiError, notFound } from '../http/errors';
import { rtkFailure } from '../realtimekit/client';

/** RTK's failures in our envelope: its 404 is ours, a taken name is a conflict, anything else is RTK's problem. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof RtkError)) return error;
  if (error.code === 'not_found') return notFound('The preset');
  if (error.code === 'conflict') return new ApiError('preset_name_taken', 'A preset with that name already exists.');
  return rtkFailure('manage presets', error);
}

export async function withRtkErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApiError(error);
  }
}

const PAGE_SIZE = 100;
/** Far more presets than an app has; stops a paging bug from looping forever. */
const MAX_PAGES = 20;

/** Every preset of the app (RTK pages its list), oldest first, so "the first with this name" is stable. */
export async function listAllPresets(rtk: RtkClient): Promise<RtkPresetSummary[]> {
  const all: RtkPresetSummary[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items } = await rtk.presets.list({ page, perPage: PAGE_SIZE });
    all.push(...items);
    if (items.length < PAGE_SIZE) break;
  }
  return all.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
}
