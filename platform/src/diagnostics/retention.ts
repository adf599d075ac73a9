import { deleteDeliveriesBeforeStatement, deleteSnapshotsBeforeStatement } from './queries';

/** Spec §3.10: webhook deliveries 30 days, health snapshots 90 days. Raw webhook events are kept (§9.6). */
export const DELIVERY_RETENTION_DAYS = 30;
export const SNAPSHOT_RETENTION_DAYS = 90;

const cutoff = (now: number, days: number) => new Date(now - days * 86_400_000).toISOString();

export async function cleanupDiagnostics(db: D1Database, now = Date.now()) {
  const [deliveries, snapshots] = await db.batch([
    deleteDeliveriesBeforeStatement(db, cutoff(now, DELIVERY_RETENTION_DAYS)),
    deleteSnapshotsBeforeStatement(db, cutoff(now, SNAPSHOT_RETENTION_DAYS)),
  ]);
  return { deliveries: deliveries!.meta.changes ?? 0, snapshots: snapshots!.meta.changes ?? 0 };
}
