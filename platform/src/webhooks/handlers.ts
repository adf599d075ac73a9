import { rtkClientFromEnv } from '../realtimekit/from-env';
import { findMeeting, releaseSeatStatement } from '../meetings/queries';
import type { Env } from '../env';
import { markDayStaleStatement } from '../analytics/queries';
import {
  closeOpenParticipantsStatement,
  liveSessionStatement,
  recomputeSessionStatements,
  sessionByRtkIdStatement,
  syncMeetingStateKv,
  syncMeetingStatements,
  upsertParticipantStatement,
  upsertSessionStatement,
  type LiveSession,
  type MeetingTarget,
  type SessionFacts,
  type SessionRow,
} from '../sessions/queries';
import {
  copyChat,
  copySummary,
  copyTranscript,
  storeLivestreamEvent,
  storeRecordingEvent,
} from '../post-meeting/store';
import { queueMeetingEndedNotifications } from '../notifications/service';
import type { RtkEvent } from './payload';
import { type ParticipantIdentity, parseCustomParticipantId } from '../meetings/participant-identity';
import { admitGuestStatement, guestLeftStatement } from './queries';

export interface HandlerResult {
  sessionId: string | null;
  /** A session ended during this event: post-meeting mail may be sent. */
  sessionEnded: boolean;
  /** Whether the `commit` statements already ran in the handler's own final batch. */
  committed: boolean;
}

async function ensureSession(
  env: Env,
  target: MeetingTarget,
  rtkMeetingId: string,
  rtkSessionId: string,
  facts: SessionFacts,
): Promise<SessionRow> {
  const session = await upsertSessionStatement(env.DB, target, rtkMeetingId, rtkSessionId, facts).first<SessionRow>();
  // A session id already claimed by another org's meeting is not ours to touch (the upsert returns nothing).
  if (!session || session.org_id !== target.orgId) throw new Error('The RTK session belongs to another meeting.');
  return session;
}

/**
 * Lifecycle and participant events, the frequent ones, in one D1 batch (one transaction, one round trip): the
 * session upsert, the participant upsert, every recomputation, the meeting state, the stale-rollup marker and the
 * caller's `commit` (marking the event processed), so the event's effects and its "processed" flag land together.
 */
async function sessionBatch(
  env: Env,
  target: MeetingTarget,
  rtkMeetingId: string,
  rtkSessionId: string,
  facts: SessionFacts,
  participant: Parameters<typeof upsertParticipantStatement>[3] | null,
  commit: D1PreparedStatement[],
): Promise<HandlerResult> {
  const db = env.DB;
  const results = await db.batch([
    upsertSessionStatement(db, target, rtkMeetingId, rtkSessionId, facts),
    ...(participant ? [upsertParticipantStatement(db, target.orgId, rtkSessionId, participant)] : []),
    closeOpenParticipantsStatement(db, target.orgId, rtkSessionId),
    ...recomputeSessionStatements(db, target.orgId, rtkSessionId),
    ...syncMeetingStatements(db, target),
    markDayStaleStatement(db, target.orgId, rtkSessionId),
    ...commit,
    sessionByRtkIdStatement(db, target.orgId, rtkSessionId),
    liveSessionStatement(db, target),
  ]);
  const session = results.at(-2)!.results[0] as SessionRow | undefined;
  try {
    await syncMeetingStateKv(env.KV_MEETING_STATE, target, results.at(-1)!.results[0] as LiveSession);
  } catch (error) {
    // KV is a cache for the join flow; D1 stays the truth, so a KV hiccup must not fail the event.
    console.warn(JSON.stringify({ level: 'warn', msg: 'meeting-state KV sync failed', name: (error as Error).name }));
  }
  // The session belongs to another org's meeting: nothing was written for it.
  if (!session) return { sessionId: null, sessionEnded: false, committed: true };
  const ended = session.status === 'ended';
  // Idempotent (one mail per person per session); a failure here is retried with the event... which is already
  // committed, so it is swallowed and the next event of the session (or none) catches up.
  if (ended) await queueMeetingEndedNotifications(env, session.id).catch(() => 0);
  return { sessionId: session.id, sessionEnded: ended, committed: true };
}

/**
 * Seats and guests follow RTK's view of who is in the room: a guest who got in was admitted from the waiting
 * room (so the idle-guest sweep leaves them alone), and whoever left frees their seat for the capacity caps.
 */
function participantSeatStatements(
  db: D1Database,
  target: MeetingTarget,
  identity: ParticipantIdentity,
  left: boolean,
): D1PreparedStatement[] {
  const guestTokenId = identity.guestTokenId ?? null;
  const userId = identity.userId ?? null;
  if (!guestTokenId && !userId) return [];
  const holder = {
    orgId: target.orgId,
    meetingId: target.meetingId,
    occurrenceId: target.occurrenceId,
    userId,
    guestTokenId,
  };
  if (!left) return guestTokenId ? [admitGuestStatement(db, guestTokenId)] : [];
  return [releaseSeatStatement(db, holder, 'left'), ...(guestTokenId ? [guestLeftStatement(db, guestTokenId)] : [])];
}

/**
 * §6.6: when the last person left a permanent room, its RTK meeting goes INACTIVE until the next join opens it
 * again (D1 already says `room_state = 'inactive'` unless a newer session is live). Throws when RTK fails, so
 * the event is retried; repeating the PATCH is harmless.
 */
async function closeIdlePermanentRoom(env: Env, target: MeetingTarget, rtkMeetingId: string) {
  if (target.schedulingType !== 'permanent') return;
  const room = await findMeeting(env.DB, target.orgId, target.meetingId);
  if (room?.room_state !== 'inactive') return;
  await rtkClientFromEnv(env)?.meetings.update(rtkMeetingId, { status: 'INACTIVE' });
}

/**
 * One handler per §9.2 event. Every write is an upsert keyed by RTK ids with order-independent merge rules,
 * so a duplicate, a reordering or a retry after a partial failure ends in the same rows.
 */
export async function handleEvent(
  env: Env,
  target: MeetingTarget,
  event: RtkEvent,
  receivedAt: string,
  commit: D1PreparedStatement[] = [],
): Promise<HandlerResult> {
  switch (event.type) {
    case 'meeting.started':
    case 'meeting.ended': {
      const ended = event.type === 'meeting.ended';
      const facts = { startedAt: event.startedAt, endedAt: ended ? (event.endedAt ?? receivedAt) : null, ended };
      // A permanent room is closed at RTK after the batch, so the event counts as processed only once that worked
      // (the caller marks it then); a failure leaves it to the retry cron.
      const closesRoom = ended && target.schedulingType === 'permanent';
      const result = await sessionBatch(
        env,
        target,
        event.rtkMeetingId,
        event.rtkSessionId,
        facts,
        null,
        closesRoom ? [] : commit,
      );
      if (!closesRoom) return result;
      if (result.sessionEnded) await closeIdlePermanentRoom(env, target, event.rtkMeetingId);
      return { ...result, committed: false };
    }
    case 'meeting.participantJoined':
    case 'meeting.participantLeft': {
      const identity = parseCustomParticipantId(event.customParticipantId);
      const seats = participantSeatStatements(env.DB, target, identity, event.type === 'meeting.participantLeft');
      return sessionBatch(
        env,
        target,
        event.rtkMeetingId,
        event.rtkSessionId,
        { startedAt: event.sessionStartedAt },
        {
          peerId: event.peerId,
          customParticipantId: event.customParticipantId,
          userCandidate: identity.userId ?? identity.raw ?? null,
          guestCandidate: identity.guestTokenId ?? identity.raw ?? null,
          displayName: event.displayName,
          joinedAt: event.joinedAt,
          leftAt: event.type === 'meeting.participantLeft' ? (event.leftAt ?? receivedAt) : null,
        },
        [...seats, ...commit],
      );
    }
    case 'recording.statusUpdate': {
      const session = event.rtkSessionId
        ? await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {})
        : null;
      await storeRecordingEvent(env, target, session, event, receivedAt);
      return { sessionId: session?.id ?? null, sessionEnded: false, committed: false };
    }
    case 'livestreaming.statusUpdate':
      await storeLivestreamEvent(env, target, event, receivedAt);
      return { sessionId: null, sessionEnded: false, committed: false };
    case 'meeting.transcript':
    case 'meeting.summary': {
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.sessionStartedAt,
      });
      if (event.type === 'meeting.transcript') await copyTranscript(env, session, event);
      else await copySummary(env, session, event);
      return { sessionId: session.id, sessionEnded: false, committed: false };
    }
    case 'meeting.chatSynced': {
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.startedAt,
      });
      await copyChat(env, session, event, receivedAt);
      return { sessionId: session.id, sessionEnded: false, committed: false };
    }
  }
}
