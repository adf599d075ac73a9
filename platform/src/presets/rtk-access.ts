import { RtkError } from '@castio/shared/rtk';
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
