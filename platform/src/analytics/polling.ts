import { newId } from '../../../shared/src/ids';
import type { Env } from '../env';
import { listLiveSessions, rtkConfigured } from '../post-meeting/rtk-api';
import { recomputeSessionStatements } from '../sessions/queries';

/**
 * The polling half of seed §9.3: RTK's live sessions, as a participant-count snapshot on each of our active
 * sessions (which can only raise the recorded peak). Sessions RTK does not know about are skipped.
 */
export async function pollActiveSessions(env: Env) {
  if (!rtkConfigured(env)) return { polled: 0, snapshots: 0 };
  const live = await listLiveSessions(env);
  let snapshots = 0;
  for (const session of live) {
    const ours = await env.DB.prepare("SELECT id, org_id FROM sessions WHERE rtk_session_id = ? AND status = 'active'")
      .bind(session.id)
      .first<{ id: string; org_id: string }>();
    if (!ours) continue;
    await env.DB.batch([
      env.DB.prepare(
        'INSERT INTO session_snapshots (id, org_id, session_id, participant_count) VALUES (?, ?, ?, ?)',
      ).bind(newId(), ours.org_id, ours.id, session.liveParticipants),
      ...recomputeSessionStatements(env.DB, ours.org_id, session.id),
    ]);
    snapshots++;
  }
  return { polled: live.length, snapshots };
}
