import { newId } from '@castio/shared/ids';

/**
 * Seats: the capacity caps of §6.8 counted in D1. A `joined` participant event is a seat; a later `left`,
 * `kicked` or `rejected` event of the same person frees it, and so does the end of the room's session. The
 * check and the insert are one statement, and D1 runs one statement at a time per database, so concurrent
 * joins can never take more seats than the cap.
 */
export interface SeatHolder {
  orgId: string;
  meetingId: string;
  occurrenceId: string | null;
  userId: string | null;
  guestTokenId: string | null;
}

export interface SeatRequest extends SeatHolder {
  presetName: string;
  maxParticipants: number;
  /** Set for guests: the most guest seats the meeting allows. */
  maxGuests?: number;
}

/** Seats of one meeting instance since its last session ended (?1 meeting, ?2 occurrence). */
const OPEN_SEATS = `
  SELECT j.user_id, j.guest_token_id FROM participant_events j
  WHERE j.meeting_id = ?1 AND j.occurrence_id IS ?2 AND j.event_type = 'joined'
    AND j.created_at > MAX(
      COALESCE((SELECT MAX(s.ended_at) FROM sessions s
                WHERE s.meeting_id = ?1 AND s.occurrence_id IS ?2 AND s.status = 'ended'), ''),
      COALESCE((SELECT CASE WHEN ?2 IS NULL THEN m.actual_end ELSE o.actual_end END
                FROM meetings m LEFT JOIN meeting_occurrences o ON o.id = ?2 WHERE m.id = ?1), ''))
    AND NOT EXISTS (
      SELECT 1 FROM participant_events l
      WHERE l.meeting_id = ?1 AND l.occurrence_id IS ?2 AND l.event_type IN ('left', 'kicked', 'rejected')
        AND l.created_at >= j.created_at AND l.user_id IS j.user_id AND l.guest_token_id IS j.guest_token_id)`;

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * Takes a seat for the person unless the meeting (or, for guests, its guest share) is full; someone who already
 * holds a seat (a second tab, a reconnect) gets another `joined` row without needing a free one.
 * Returns the event id, or null when the cap is reached.
 */
export async function reserveSeat(db: D1Database, request: SeatRequest): Promise<string | null> {
  const id = newId();
  const guestCap = request.maxGuests ?? Number.MAX_SAFE_INTEGER;
  const result = await db
    .prepare(
      `WITH open_seats AS (${OPEN_SEATS})
       INSERT INTO participant_events
         (id, org_id, meeting_id, occurrence_id, user_id, guest_token_id, event_type, preset_to, created_at)
       SELECT ?3, ?4, ?1, ?2, ?5, ?6, 'joined', ?7, ${NOW}
       WHERE EXISTS (SELECT 1 FROM open_seats WHERE user_id IS ?5 AND guest_token_id IS ?6)
          OR ((SELECT COUNT(*) FROM (SELECT DISTINCT user_id, guest_token_id FROM open_seats)) < ?8
              AND (?6 IS NULL OR (SELECT COUNT(DISTINCT guest_token_id) FROM open_seats) < ?9))`,
    )
    .bind(
      request.meetingId,
      request.occurrenceId,
      id,
      request.orgId,
      request.userId,
      request.guestTokenId,
      request.presetName,
      request.maxParticipants,
      guestCap,
    )
    .run();
  return result.meta.changes === 1 ? id : null;
}

/** Records which RTK participant a seat became. */
export const attachParticipantStatement = (db: D1Database, seatId: string, rtkParticipantId: string) =>
  db.prepare('UPDATE participant_events SET rtk_participant_id = ? WHERE id = ?').bind(rtkParticipantId, seatId);

/** Frees the person's seat (left, kicked by a host, or rejected from the waiting room). */
export function releaseSeatStatement(
  db: D1Database,
  holder: SeatHolder,
  eventType: 'left' | 'kicked' | 'rejected',
  performedBy: string | null = null,
) {
  return db
    .prepare(
      `INSERT INTO participant_events
         (id, org_id, meeting_id, occurrence_id, user_id, guest_token_id, event_type, performed_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
    )
    .bind(
      newId(),
      holder.orgId,
      holder.meetingId,
      holder.occurrenceId,
      holder.userId,
      holder.guestTokenId,
      eventType,
      performedBy,
    );
}

/** People holding seats in a meeting instance now (for the participants list and tests). */
export async function countSeats(db: D1Database, meetingId: string, occurrenceId: string | null) {
  const row = await db
    .prepare(
      `WITH open_seats AS (${OPEN_SEATS})
       SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT user_id, guest_token_id FROM open_seats)) AS people,
              (SELECT COUNT(DISTINCT guest_token_id) FROM open_seats) AS guests`,
    )
    .bind(meetingId, occurrenceId)
    .first<{ people: number; guests: number }>();
  return { people: row?.people ?? 0, guests: row?.guests ?? 0 };
}
