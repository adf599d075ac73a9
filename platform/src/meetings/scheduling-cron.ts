import type { Env } from '../env';
import { getOrgSettings } from '../org/settings-service';
import { revokeIdleGuests } from './guest-join';
import { activateMeeting, activateOccurrence, endMeeting } from './lifecycle';
import { materialiseOccurrences, overrideOf } from './occurrences';
import {
  closeMissedOccurrencesStatement,
  endFinishedSeriesStatement,
  findMeetingInAnyOrg,
  listDueMeetings,
  listDueOccurrences,
  listOverlongMeetings,
  listOverlongOccurrences,
  listPatternsToMaterialise,
} from './queries';

/** The cron runs every 5 minutes, so meetings due before the next run are activated in this one. */
export const ACTIVATION_LEAD_MINUTES = 5;
const BATCH = 50;

/**
 * One failing meeting (RTK down, the org at its cap) must not stop the rest; it stays as it was in D1 and
 * the next run tries again.
 */
async function eachSafely<T>(items: T[], work: (item: T) => Promise<unknown>) {
  let done = 0;
  for (const item of items) {
    try {
      await work(item);
      done++;
    } catch (error) {
      console.warn(JSON.stringify({ level: 'warn', msg: 'scheduling step failed', name: (error as Error)?.name }));
    }
  }
  return done;
}

export async function activateDueMeetings(env: Env, now = Date.now()) {
  const lead = new Date(now + ACTIVATION_LEAD_MINUTES * 60_000).toISOString();
  return eachSafely(await listDueMeetings(env.DB, lead, BATCH), async (meeting) => {
    const settings = await getOrgSettings(env, meeting.org_id);
    await activateMeeting(env, meeting, 'activate', settings.maxConcurrentMeetings, now);
  });
}

export async function activateDueOccurrences(env: Env, now = Date.now()) {
  const lead = new Date(now + ACTIVATION_LEAD_MINUTES * 60_000).toISOString();
  const due = await listDueOccurrences(env.DB, lead, new Date(now).toISOString(), BATCH);
  return eachSafely(due, async (occurrence) => {
    const meeting = (await findMeetingInAnyOrg(env.DB, occurrence.meeting_id))!;
    const settings = await getOrgSettings(env, meeting.org_id);
    const title = overrideOf(occurrence).title ?? meeting.title;
    await activateOccurrence(env, meeting, occurrence, title, settings.maxConcurrentMeetings, now);
  });
}

/** Keeps every live series materialised four weeks ahead; a day of slack avoids rewriting every run. */
export async function materialiseHorizon(env: Env, now = Date.now()) {
  const refreshBefore = new Date(now + 27 * 86_400_000).toISOString();
  const patterns = await listPatternsToMaterialise(env.DB, refreshBefore, BATCH);
  return eachSafely(patterns, (pattern) => materialiseOccurrences(env.DB, pattern, now));
}

/**
 * Meetings past the org's maximum duration are ended (§6.8), as a host would; occurrences whose time passed
 * with nobody joining are closed, and a series with nothing left to come ends.
 */
export async function endOverdueMeetings(env: Env, now = Date.now()) {
  const nowIso = new Date(now).toISOString();
  const overlong = await listOverlongMeetings(env.DB, nowIso, BATCH);
  const overlongOccurrences = await listOverlongOccurrences(env.DB, nowIso, BATCH);
  const ended =
    (await eachSafely(overlong, (meeting) => endMeeting(env, meeting, null))) +
    (await eachSafely(overlongOccurrences, async (occurrence) => {
      const meeting = (await findMeetingInAnyOrg(env.DB, occurrence.meeting_id))!;
      await endMeeting(env, meeting, occurrence);
    }));
  await env.DB.batch([closeMissedOccurrencesStatement(env.DB, nowIso), endFinishedSeriesStatement(env.DB, nowIso)]);
  return ended;
}

/** The scheduling jobs of the 5-minute cron (§6.4), in the order that lets one run finish what it started. */
export const SCHEDULING_JOBS = {
  'materialise-occurrences': materialiseHorizon,
  'activate-meetings': activateDueMeetings,
  'activate-occurrences': activateDueOccurrences,
  'end-overdue-meetings': endOverdueMeetings,
  'revoke-idle-guests': revokeIdleGuests,
} as const satisfies Record<string, (env: Env, now?: number) => Promise<number>>;
