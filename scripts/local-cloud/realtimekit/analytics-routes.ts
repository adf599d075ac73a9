// Analytics: day-wise sessions/recordings and livestream totals, computed from the stored sessions.
import type { Router } from '../http/router.ts';
import type { StateStore } from '../state/store.ts';
import { RtkApiError, rtkOk } from './rtk-envelope.ts';
import { appOr404, RTK_BASE, RTK_META } from './rtk-lookup.ts';
import { sessionView } from './session-engine.ts';

const day = (iso: string) => iso.slice(0, 10);
const inRange = (d: string, from: string | null, to: string | null) => (!from || d >= from) && (!to || d <= to);
const round2 = (n: number) => Math.round(n * 100) / 100;
/** A date filter (ISO, or epoch seconds or milliseconds) as its day. */
const dateParam = (url: URL, name: string) => {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return null;
  const t = /^\d+$/.test(v) ? Number(v) * (v.length <= 10 ? 1000 : 1) : Date.parse(v);
  if (Number.isNaN(t)) throw new RtkApiError(400, `${name} must be a date`);
  return new Date(t).toISOString().slice(0, 10);
};

interface SessionDay {
  day: string;
  total_sessions: number;
  total_session_minutes: number;
}

interface RecordingDay {
  day: string;
  total_recordings: number;
  total_recording_minutes: number;
}

interface StreamDay {
  date: string;
  count: number;
  total_ingest_seconds: number;
  total_viewer_seconds: number;
}

export function registerAnalyticsRoutes(router: Router, { store }: { store: StateStore }): void {
  const base = `${RTK_BASE}/:appId/analytics`;
  router.add('GET', `${base}/daywise`, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const from = dateParam(url, 'start_date');
    const to = dateParam(url, 'end_date');
    const sessions = store.data.rtk.sessions
      .filter((s) => s.app_id === params.appId && inRange(day(s.started_at), from, to))
      .map(sessionView);
    const recordings = store.data.rtk.recordings.filter(
      (r) => r.app_id === params.appId && inRange(day(r.invoked_time), from, to),
    );
    const sessionDays = new Map<string, SessionDay>();
    for (const s of sessions) {
      const d = sessionDays.get(day(s.started_at)) ?? {
        day: day(s.started_at),
        total_sessions: 0,
        total_session_minutes: 0,
      };
      d.total_sessions++;
      d.total_session_minutes = round2(d.total_session_minutes + s.minutes_consumed);
      sessionDays.set(d.day, d);
    }
    const recordingDays = new Map<string, RecordingDay>();
    for (const r of recordings) {
      const d = recordingDays.get(day(r.invoked_time)) ?? {
        day: day(r.invoked_time),
        total_recordings: 0,
        total_recording_minutes: 0,
      };
      d.total_recordings++;
      d.total_recording_minutes = round2(d.total_recording_minutes + (r.recording_duration ?? 0) / 60);
      recordingDays.set(d.day, d);
    }
    const sum = (list: number[]) => round2(list.reduce((a, x) => a + x, 0));
    return rtkOk({
      recording_stats: {
        recording_count: recordings.length,
        recording_minutes_consumed: sum([...recordingDays.values()].map((d) => d.total_recording_minutes)),
        day_stats: [...recordingDays.values()],
      },
      session_stats: {
        sessions_count: sessions.length,
        sessions_minutes_consumed: sum(sessions.map((s) => s.minutes_consumed)),
        day_stats: [...sessionDays.values()],
      },
    });
  });
  const streamSessions = (params: { appId: string }, url: URL) =>
    store.data.rtk.livestreams
      .filter((l) => l.app_id === params.appId)
      .flatMap((l) => l.sessions)
      .filter((s) => inRange(day(s.started_time), dateParam(url, 'start_time'), dateParam(url, 'end_time')));
  router.add('GET', `${base}/livestreams/daywise`, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const days = new Map<string, StreamDay>();
    for (const s of streamSessions(params, url)) {
      const d = days.get(day(s.started_time)) ?? {
        date: day(s.started_time),
        count: 0,
        total_ingest_seconds: 0,
        total_viewer_seconds: 0,
      };
      d.count++;
      d.total_ingest_seconds += s.ingest_seconds;
      d.total_viewer_seconds += s.viewer_seconds;
      days.set(d.date, d);
    }
    return rtkOk([...days.values()]);
  });
  router.add('GET', `${base}/livestreams/overall`, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const list = streamSessions(params, url);
    return rtkOk({
      count: list.length,
      total_ingest_seconds: list.reduce((a, s) => a + s.ingest_seconds, 0),
      total_viewer_seconds: list.reduce((a, s) => a + s.viewer_seconds, 0),
    });
  });
}
