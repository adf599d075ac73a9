import { PRESET_NAMES, type PresetName } from '@castio/shared/presets';
import { ApiError } from '../http/errors';
import type { MeetingType } from './schemas';

/** How much each role of §5.2 may do in a meeting; comparing two tells a promotion from a demotion (§5.5). */
const ROLE_RANKS = new Map([
  ['viewer', 1],
  ['guest', 2],
  ['participant', 3],
  ['host', 4],
]);

/** Rank of a preset by its role suffix; a preset that is not one of ours ranks lowest. */
export function presetRank(presetName: string | null): number {
  const role = presetName?.slice(presetName.lastIndexOf('_') + 1);
  return (role && ROLE_RANKS.get(role)) || 0;
}

export const presetsOfMeetingType = (type: MeetingType): PresetName[] =>
  PRESET_NAMES.filter((name) => name.startsWith(`${type}_`));

/** The built-in preset a host may give someone in a meeting of this type; 422 for any other name. */
export function presetForMeetingType(type: MeetingType, presetName: string): PresetName {
  const allowed = presetsOfMeetingType(type);
  const preset = allowed.find((name) => name === presetName);
  if (!preset)
    throw new ApiError(
      'invalid_preset',
      `“${presetName}” is not a preset of ${type} meetings. Use one of: ${allowed.join(', ')}.`,
      { allowed },
    );
  return preset;
}
