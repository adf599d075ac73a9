import type { Env } from '../env';
import { notFound } from '../http/errors';
import { findOrgBySlug } from '../org/queries';
import { getOrgSettings } from '../org/settings-service';
import { effectiveGuestAccess } from './guest-join';
import { findMeetingBySlug } from './queries';

/** `/{orgSlug}/m/{slug}` (§6.4): what the join page shows anyone holding the link, vanity slugs first. */
export async function lookUpRoom(env: Env, orgSlug: string, slug: string) {
  const org = await findOrgBySlug(env.DB, orgSlug.toLowerCase());
  const meeting = org ? await findMeetingBySlug(env.DB, org.id, slug.toLowerCase()) : null;
  if (!org || !meeting || meeting.status === 'cancelled') throw notFound('The meeting');
  const settings = await getOrgSettings(env, org.id);
  return {
    meetingId: meeting.id,
    title: meeting.title,
    meetingType: meeting.meeting_type,
    status: meeting.status,
    scheduledStart: meeting.scheduled_start,
    guestsAllowed: effectiveGuestAccess(meeting, settings) !== 'disabled',
    orgName: org.name,
  };
}
