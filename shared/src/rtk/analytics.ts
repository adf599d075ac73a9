import { z } from 'zod';
import { lenient } from './fields';
import type { RtkTransport } from './transport';

const recordingDaySchema = z.looseObject({
  day: lenient.string,
  total_recordings: lenient.number,
  total_recording_minutes: lenient.number,
});
const sessionDaySchema = z.looseObject({
  day: lenient.string,
  total_sessions: lenient.number,
  total_session_minutes: lenient.number,
});

/** GET /analytics/daywise (docs/rtk.md#analytics): app-wide totals and one row per day with activity. */
export const rtkDaywiseAnalyticsSchema = z.looseObject({
  recording_stats: z.looseObject({
    recording_count: lenient.number,
    recording_minutes_consumed: lenient.number,
    day_stats: z.array(recordingDaySchema).catch([]),
  }),
  session_stats: z.looseObject({
    sessions_count: lenient.number,
    sessions_minutes_consumed: lenient.number,
    day_stats: z.array(sessionDaySchema).catch([]),
  }),
});
export type RtkDaywiseAnalytics = z.output<typeof rtkDaywiseAnalyticsSchema>;

export interface RtkAnalyticsApi {
  /** Dates as `YYYY-MM-DD`, both inclusive. */
  daywise(q: { startDate: string; endDate: string }): Promise<RtkDaywiseAnalytics>;
}

export function analyticsApi(rtk: RtkTransport): RtkAnalyticsApi {
  return {
    daywise: (q) =>
      rtk.data(
        {
          method: 'GET',
          path: '/analytics/daywise',
          query: { start_date: q.startDate, end_date: q.endDate },
          idempotent: true,
          what: `get day-wise analytics from ${q.startDate} to ${q.endDate}`,
        },
        rtkDaywiseAnalyticsSchema,
      ),
  };
}
