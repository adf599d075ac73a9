import { newId } from '@castio/shared/ids';
import type { AuthContext } from '../http/app-env';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import { toCsv } from '../post-meeting/formats';
import { can } from '@castio/shared/rbac';
import {
  DAY_MS,
  daysBetween,
  MAX_RANGE_DAYS,
  periodOf,
  resolveRange,
  splitRuns,
  startOfDay,
  type DayRange,
} from './dates';
import { listMeetingTotals, liveDayTotals, rolledUpDays, rollupRows, type DayTotals, type Scope } from './queries';

/** Owners/admins see the whole org; hosts only the meetings they created (spec §4.5). */
export const scopeOf = (auth: AuthContext): Scope => ({
  orgId: auth.orgId,
  hostUserId: can(auth.role, 'analytics.view.all') ? null : auth.userId,
});

export function checkedRange(from?: string, to?: string, now = Date.now()): DayRange {
  const range = resolveRange(from, to, now);
  const days = (startOfDay(range.to) - startOfDay(range.from)) / DAY_MS + 1;
  if (days < 1) throw new ApiError('validation_failed', '`from` must not be after `to`.');
  if (days > MAX_RANGE_DAYS) throw new ApiError('validation_failed', `Ask for at most ${MAX_RANGE_DAYS} days.`);
  return range;
}

/**
 * Per-day totals for the range. Org-wide numbers read the nightly rollups for complete days and compute the rest
 * (today, stale days) live; a host's own numbers are always computed live from their meetings' sessions.
 */
export async function dayTotals(db: D1Database, scope: Scope, range: DayRange, options: { useRollups?: boolean } = {}) {
  if (scope.hostUserId || options.useRollups === false) {
    return { source: 'live' as const, days: await liveDayTotals(db, scope, range.fromIso, range.toExclusiveIso) };
  }
  const days = daysBetween(range.from, range.to);
  const rolled = await rolledUpDays(db, scope.orgId, range.from, range.to);
  const parts = await Promise.all(
    splitRuns(days, rolled).map((run) =>
      run.rolled
        ? rollupRows(db, scope.orgId, run.from, run.to)
        : liveDayTotals(
            db,
            scope,
            new Date(startOfDay(run.from)).toISOString(),
            new Date(startOfDay(run.to) + DAY_MS).toISOString(),
          ),
    ),
  );
  return { source: rolled.size ? ('rollup+live' as const) : ('live' as const), days: parts.flat() };
}

const sum = (days: DayTotals[], key: keyof Omit<DayTotals, 'day'>) => days.reduce((total, day) => total + day[key], 0);
const minutes = (seconds: number) => Math.round((seconds / 60) * 10) / 10;

export async function overview(db: D1Database, auth: AuthContext, query: { from?: string; to?: string }) {
  const range = checkedRange(query.from, query.to);
  const scope = scopeOf(auth);
  const { source, days } = await dayTotals(db, scope, range);
  const sessions = sum(days, 'sessions');
  const durationSeconds = sum(days, 'durationSeconds');
  return {
    from: range.from,
    to: range.to,
    scope: scope.hostUserId ? ('own' as const) : ('org' as const),
    source,
    totals: {
      sessions,
      participants: sum(days, 'participants'),
      durationSeconds,
      durationMinutes: minutes(durationSeconds),
      averageSessionMinutes: sessions ? minutes(durationSeconds / sessions) : 0,
      peakConcurrentParticipants: days.reduce((peak, day) => Math.max(peak, day.peakConcurrent), 0),
      recordings: sum(days, 'recordings'),
      recordingMinutes: minutes(sum(days, 'recordingSeconds')),
      chatMessages: sum(days, 'chatMessages'),
      transcripts: sum(days, 'transcripts'),
      summaries: sum(days, 'summaries'),
    },
    meetingTypes: {
      video: sum(days, 'video'),
      audio: sum(days, 'audio'),
      webinar: sum(days, 'webinar'),
      livestream: sum(days, 'livestream'),
    },
  };
}

export async function usage(
  db: D1Database,
  auth: AuthContext,
  query: { from?: string; to?: string; granularity: 'day' | 'week' | 'month' },
) {
  const range = checkedRange(query.from, query.to);
  const scope = scopeOf(auth);
  const { source, days } = await dayTotals(db, scope, range);
  const byPeriod = new Map<string, DayTotals>();
  for (const day of days) {
    const period = periodOf(day.day, query.granularity);
    const acc = byPeriod.get(period);
    if (!acc) {
      byPeriod.set(period, { ...day, day: period });
      continue;
    }
    for (const key of Object.keys(day) as (keyof DayTotals)[]) {
      if (key === 'day') continue;
      if (key === 'peakConcurrent') acc.peakConcurrent = Math.max(acc.peakConcurrent, day.peakConcurrent);
      else acc[key] += day[key];
    }
  }
  return {
    from: range.from,
    to: range.to,
    granularity: query.granularity,
    scope: scope.hostUserId ? ('own' as const) : ('org' as const),
    source,
    series: [...byPeriod.values()]
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((period) => ({
        period: period.day,
        sessions: period.sessions,
        participants: period.participants,
        durationMinutes: minutes(period.durationSeconds),
        recordings: period.recordings,
        chatMessages: period.chatMessages,
        peakConcurrentParticipants: period.peakConcurrent,
        meetingTypes: {
          video: period.video,
          audio: period.audio,
          webinar: period.webinar,
          livestream: period.livestream,
        },
      })),
  };
}

export async function perMeeting(
  db: D1Database,
  auth: AuthContext,
  query: { from?: string; to?: string; limit: number; sort: 'sessions' | 'minutes' | 'participants' },
) {
  const range = checkedRange(query.from, query.to);
  const scope = scopeOf(auth);
  const results = await listMeetingTotals(
    db,
    scope,
    { fromIso: range.fromIso, toIso: range.toExclusiveIso },
    { sort: query.sort, limit: query.limit },
  );
  return {
    from: range.from,
    to: range.to,
    scope: scope.hostUserId ? ('own' as const) : ('org' as const),
    items: results.map((row) => ({
      meetingId: row.id,
      title: row.title,
      meetingType: row.meeting_type,
      hostUserId: row.created_by,
      sessions: row.sessions,
      participants: row.participants,
      durationMinutes: minutes(row.duration_seconds),
      averageSessionMinutes: row.sessions ? minutes(row.duration_seconds / row.sessions) : 0,
      peakConcurrentParticipants: row.peak ?? 0,
      sessionsWithRecording: row.with_recording ?? 0,
      sessionsWithTranscript: row.with_transcript ?? 0,
      lastSessionAt: row.last_session_at,
    })),
  };
}

const exportKey = (orgId: string, exportId: string) => `org/${orgId}/analytics-exports/${exportId}.csv`;

/** Writes a CSV report to the exports bucket (spec §2.4) and returns where to download it. */
export async function createExport(
  env: Env,
  auth: AuthContext,
  input: { report: 'usage' | 'meetings'; from?: string; to?: string },
) {
  let csv: string;
  if (input.report === 'usage') {
    const data = await usage(env.DB, auth, { from: input.from, to: input.to, granularity: 'day' });
    csv = toCsv(
      [
        'date',
        'sessions',
        'participants',
        'duration_minutes',
        'recordings',
        'chat_messages',
        'peak_concurrent',
        'video',
        'audio',
        'webinar',
        'livestream',
      ],
      data.series.map((row) => [
        row.period,
        row.sessions,
        row.participants,
        row.durationMinutes,
        row.recordings,
        row.chatMessages,
        row.peakConcurrentParticipants,
        row.meetingTypes.video,
        row.meetingTypes.audio,
        row.meetingTypes.webinar,
        row.meetingTypes.livestream,
      ]),
    );
  } else {
    const data = await perMeeting(env.DB, auth, { from: input.from, to: input.to, limit: 100_000, sort: 'sessions' });
    csv = toCsv(
      [
        'meeting_id',
        'title',
        'type',
        'sessions',
        'participants',
        'duration_minutes',
        'peak_concurrent',
        'last_session_at',
      ],
      data.items.map((row) => [
        row.meetingId,
        row.title,
        row.meetingType,
        row.sessions,
        row.participants,
        row.durationMinutes,
        row.peakConcurrentParticipants,
        row.lastSessionAt,
      ]),
    );
  }
  const exportId = newId();
  await env.R2_EXPORTS.put(exportKey(auth.orgId, exportId), csv, {
    httpMetadata: { contentType: 'text/csv; charset=utf-8' },
    customMetadata: { createdBy: auth.userId, scope: scopeOf(auth).hostUserId ? 'own' : 'org', report: input.report },
  });
  return { id: exportId, report: input.report, bytes: csv.length, downloadPath: `/api/analytics/exports/${exportId}` };
}

export async function readExport(env: Env, auth: AuthContext, exportId: string) {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(exportId)) throw notFound('The export');
  const object = await env.R2_EXPORTS.get(exportKey(auth.orgId, exportId));
  if (!object) throw notFound('The export');
  const mayRead = can(auth.role, 'analytics.view.all') || object.customMetadata?.createdBy === auth.userId;
  if (!mayRead) throw notFound('The export');
  return object;
}
