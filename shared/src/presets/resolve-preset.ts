import type { PresetName } from './preset-definitions';

export type PresetRole = 'owner' | 'admin' | 'host' | 'member' | 'guest';
export type PresetMeetingType = 'video' | 'audio' | 'webinar' | 'livestream';

/**
 * Spec §5.3: which preset a participant joins with. Owners and admins always host; hosts host their own
 * meetings; guests of webinars and livestreams only watch (there is no livestream_guest). The return type is
 * the 13 names, so a combination without a preset cannot compile.
 */
export function resolvePreset(role: PresetRole, meetingType: PresetMeetingType, isCreator: boolean): PresetName {
  if (role === 'owner' || role === 'admin') return `${meetingType}_host`;
  if (role === 'host') return isCreator ? `${meetingType}_host` : `${meetingType}_participant`;
  if (role === 'guest') {
    return meetingType === 'webinar' || meetingType === 'livestream' ? `${meetingType}_viewer` : `${meetingType}_guest`;
  }
  return `${meetingType}_participant`;
}
