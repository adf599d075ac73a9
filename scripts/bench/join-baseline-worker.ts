// The join benchmark's baseline route (see join-latency.mjs): the D1 writes of POST /api/meetings/{id}/join and
// nothing else, with the platform's own functions, so the difference to /join is everything else a join does.
import { attachParticipantStatement, reserveSeat } from '../../platform/src/meetings/queries';

interface Env {
  DB: D1Database;
}

const ORG_ID = 'bench-org';
const OWNER_ID = 'bench-owner';
const MEETING_ID = 'bench-meeting';
/** As the benchmark's meeting: nobody is ever turned away for capacity. */
const MAX_PARTICIPANTS = 10_000;

/** The rows a seat refers to (participant_events → meetings → organizations, users), as the platform has them. */
async function seed(db: D1Database): Promise<Response> {
  await db.batch([
    db
      .prepare("INSERT INTO organizations (id, name, slug, owner_id) VALUES (?1, 'Bench', 'bench', ?2)")
      .bind(ORG_ID, OWNER_ID),
    db
      .prepare(
        "INSERT INTO users (id, org_id, email, name, role) VALUES (?1, ?2, 'owner@bench.example', 'Owner', 'owner')",
      )
      .bind(OWNER_ID, ORG_ID),
    db
      .prepare(
        `INSERT INTO meetings (id, org_id, rtk_meeting_id, title, slug, status, created_by, actual_start, max_participants)
         VALUES (?1, ?2, 'bench-rtk-meeting', 'Bench', 'bench', 'active', ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?4)`,
      )
      .bind(MEETING_ID, ORG_ID, OWNER_ID, MAX_PARTICIPANTS),
  ]);
  return Response.json({ meetingId: MEETING_ID });
}

/** The seat INSERT…SELECT, then the UPDATE recording its RTK participant: two statements, as in admitParticipant. */
async function takeSeat(db: D1Database, userId: string): Promise<Response> {
  const seatId = await reserveSeat(db, {
    orgId: ORG_ID,
    meetingId: MEETING_ID,
    occurrenceId: null,
    userId,
    guestTokenId: null,
    presetName: 'video_participant',
    maxParticipants: MAX_PARTICIPANTS,
  });
  if (!seatId) return Response.json({ error: 'full' }, { status: 409 });
  await attachParticipantStatement(db, seatId, `bench-participant-${crypto.randomUUID()}`).run();
  return Response.json({ seatId });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/ready') return new Response('ok');
    if (request.method === 'POST' && url.pathname === '/seed') return seed(env.DB);
    const userId = url.searchParams.get('user');
    if (request.method === 'POST' && url.pathname === '/seat' && userId) return takeSeat(env.DB, userId);
    return new Response('Not found', { status: 404 });
  },
} satisfies ExportedHandler<Env>;
