import type { RtkPreset } from '../rtk/presets';
import type { RtkPresetBody } from './preset-schema';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether everything `want` says is also in `have`. Keys only `have` has are RTK's defaults, not a difference. */
function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want))
    return Array.isArray(have) && have.length === want.length && want.every((item, i) => contains(have[i], item));
  if (isRecord(want)) return isRecord(have) && Object.entries(want).every(([key, value]) => contains(have[key], value));
  return Object.is(have, want);
}

/** Whether RTK's preset already is the desired body (RTK may add fields of its own; those don't count). */
export const matchesDesired = (body: RtkPresetBody, current: RtkPreset) =>
  contains(current.config, body.config) &&
  contains(current.permissions, body.permissions) &&
  contains(current.ui, body.ui);
