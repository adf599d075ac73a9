import type { Env } from '../env';
import {
  closeOpenParticipantsStatement,
  liveSessionStatement,
  recomputeSessionStatements,
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
import { resolveParticipantIdentity } from './identity';

export interface HandlerResult {
  sessionId: string | null;
  /** A session ended during this event: post-meeting mail may be sent. */
  sessionEnded: boolean;
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

/** Recomputes the session's numbers, the meeting's state and KV, then queues mail if the session is over. */
async function settleSession(env: Env, target: MeetingTarget, session: SessionRow): Promise<HandlerResult> {
  const results = await env.DB.batch([
    closeOpenParticipantsStatement(env.DB, session.id),
    ...recomputeSessionStatements(env.DB, session.id),
    ...syncMeetingStatements(env.DB, target),
    env.DB.prepare('SELECT status FROM sessions WHERE id = ?').bind(session.id),
    liveSessionStatement(env.DB, target),
  ]);
  const after = results.at(-2)!.results[0] as { status: string } | undefined;
  try {
    await syncMeetingStateKv(env.KV_MEETING_STATE, target, results.at(-1)!.results[0] as LiveSession);
  } catch (error) {
    // KV is a cache for the join flow; D1 stays the truth, so a KV hiccup must not fail the event.
    console.warn(JSON.stringify({ level: 'warn', msg: 'meeting-state KV sync failed', name: (error as Error).name }));
  }
  const ended = after?.status === 'ended';
  if (ended) await queueMeetingEndedNotifications(env, session.id);
  return { sessionId: session.id, sessionEnded: ended };
}

/**
 * One handler per §9.2 event. Every write is an upsert keyed by RTK ids with order-independent merge rules,
 * so a duplicate, a reordering or a retry after a partial failure ends in the same rows.
 */
export async function handleEvent(env: Env, target: MeetingTarget, event: RtkEvent, receivedAt: string) {
  switch (event.type) {
    case 'meeting.started':
    case 'meeting.ended': {
      const ended = event.type === 'meeting.ended';
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.startedAt,
        endedAt: ended ? (event.endedAt ?? receivedAt) : null,
        ended,
      });
      return settleSession(env, target, session);
    }
    case 'meeting.participantJoined':
    case 'meeting.participantLeft': {
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.sessionStartedAt,
      });
      const identity = await resolveParticipantIdentity(env.DB, target.orgId, event.customParticipantId);
      await upsertParticipantStatement(env.DB, session, {
        peerId: event.peerId,
        customParticipantId: event.customParticipantId,
        userId: identity.userId,
        guestTokenId: identity.guestTokenId,
        displayName: event.displayName,
        joinedAt: event.joinedAt,
        leftAt: event.type === 'meeting.participantLeft' ? (event.leftAt ?? receivedAt) : null,
      }).run();
      return settleSession(env, target, session);
    }
    case 'recording.statusUpdate': {
      const session = event.rtkSessionId
        ? await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {})
        : null;
      await storeRecordingEvent(env, target, session, event, receivedAt);
      return { sessionId: session?.id ?? null, sessionEnded: false };
    }
    case 'livestreaming.statusUpdate':
      await storeLivestreamEvent(env, target, event, receivedAt);
      return { sessionId: null, sessionEnded: false };
    case 'meeting.transcript':
    case 'meeting.summary': {
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.sessionStartedAt,
      });
      if (event.type === 'meeting.transcript') await copyTranscript(env, session, event);
      else await copySummary(env, session, event);
      return { sessionId: session.id, sessionEnded: false };
    }
    case 'meeting.chatSynced': {
      const session = await ensureSession(env, target, event.rtkMeetingId, event.rtkSessionId, {
        startedAt: event.startedAt,
      });
      await copyChat(env, session, event, receivedAt);
      return { sessionId: session.id, sessionEnded: false };
    }
  }
}
