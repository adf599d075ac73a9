import type { RtkClient } from '@castio/shared/rtk';
import { rtkClientFromEnv } from '../realtimekit/from-env';
import type { Env } from '../env';
import { type MeetingTarget, recomputeSessionStatements, resolveRtkMeeting } from '../sessions/queries';
import { handleEvent } from '../webhooks/handlers';
import { isoTime } from '../webhooks/payload';
import {
  findActiveSessionByRtkId,
  insertSnapshotStatement,
  listStaleActiveSessions,
  otherLiveSessionExists,
} from './queries';

/** An active session silent for this long, and not in RTK's live list, is checked against RTK. */
export const STALE_SESSION_MS = 15 * 60_000;

/**
 * The polling half of spec §9.3: RTK's live sessions, as a participant-count snapshot on each of our active
 * sessions (which can only raise the recorded peak). Sessions RTK does not know about are skipped.
 */
export async function pollActiveSessions(env: Env) {
  const rtk = rtkClientFromEnv(env);
  if (!rtk) return { polled: 0, snapshots: 0, reconciled: 0 };
  const { items: live } = await rtk.sessions.list({ status: 'LIVE', perPage: 100 });
  let snapshots = 0;
  for (const session of live) {
    const ours = await findActiveSessionByRtkId(env.DB, session.id);
    if (!ours) continue;
    await env.DB.batch([
      insertSnapshotStatement(env.DB, {
        orgId: ours.org_id,
        sessionId: ours.id,
        participantCount: session.live_participants ?? 0,
      }),
      ...recomputeSessionStatements(env.DB, ours.org_id, session.id),
    ]);
    snapshots++;
  }
  const reconciled = await reconcileStaleSessions(env, new Set(live.map((session) => session.id)));
  return { polled: live.length, snapshots, reconciled };
}

/** A permanent room whose only session ended goes INACTIVE at RTK (§6.6) before the session is closed here. */
async function closeRoomFirst(
  env: Env,
  rtk: RtkClient,
  target: MeetingTarget,
  rtkSessionId: string,
  rtkMeetingId: string,
) {
  if (target.schedulingType !== 'permanent') return;
  if (!(await otherLiveSessionExists(env.DB, target.meetingId, rtkSessionId)))
    await rtk.meetings.update(rtkMeetingId, { status: 'INACTIVE' });
}

/**
 * Catches a `meeting.ended` RTK never delivered: our sessions still active, quiet for 15 minutes and not live at
 * RTK are looked up one by one, and an ENDED one is closed exactly as the webhook would have closed it.
 */
export async function reconcileStaleSessions(env: Env, liveIds: Set<string>, now = Date.now()) {
  const results = await listStaleActiveSessions(env.DB, new Date(now - STALE_SESSION_MS).toISOString(), 50);
  const rtk = rtkClientFromEnv(env);
  let closed = 0;
  for (const row of results) {
    if (!rtk || liveIds.has(row.rtk_session_id) || !row.rtk_meeting_id) continue;
    // One session RTK cannot answer for must not stop the others.
    const remote = await rtk.sessions.get(row.rtk_session_id).catch(() => null);
    if (remote?.status !== 'ENDED') continue;
    const target = await resolveRtkMeeting(env.DB, row.rtk_meeting_id);
    if (!target) continue;
    const endedAt = isoTime(remote.ended_at) ?? new Date(now).toISOString();
    const event = {
      type: 'meeting.ended' as const,
      rtkMeetingId: row.rtk_meeting_id,
      rtkSessionId: row.rtk_session_id,
      title: null,
      startedAt: isoTime(remote.started_at),
      endedAt,
      reason: 'RECONCILED_BY_POLLING',
    };
    // A close RTK refuses (a permanent room's PATCH) is tried again next run; the other sessions go on now. The
    // room is closed at RTK before our session row is, so a refusal leaves the session here for the next run.
    const handled = await closeRoomFirst(env, rtk, target, row.rtk_session_id, row.rtk_meeting_id)
      .then(() => handleEvent(env, target, event, endedAt))
      .then(
        () => true,
        (error: unknown) => {
          console.warn(
            JSON.stringify({ level: 'warn', msg: 'session reconciliation failed', name: (error as Error)?.name }),
          );
          return false;
        },
      );
    if (handled) closed++;
  }
  return closed;
}
