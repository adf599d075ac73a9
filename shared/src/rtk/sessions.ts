import { z } from 'zod';
import { pageQuery, type RtkPage, type RtkPageQuery } from './envelope';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkCall, type RtkQuery, type RtkTransport } from './transport';

/** A session is one live run of a meeting (docs/rtk.md#active-session, §1.7); the active session has the same shape. */
export const rtkSessionSchema = z.looseObject({
  id: rtkId,
  /** The meeting's id. */
  associated_id: lenient.string,
  /** `LIVE` | `ENDED`. */
  status: lenient.string,
  /** `meeting` | `livestream` | `participant`. */
  type: lenient.string,
  live_participants: lenient.number,
  max_concurrent_participants: lenient.number,
  minutes_consumed: lenient.number,
  meeting_display_name: lenient.string,
  organization_id: lenient.string,
  created_at: lenient.string,
  started_at: lenient.string,
  updated_at: lenient.string,
  ended_at: lenient.string,
});
export type RtkSession = z.output<typeof rtkSessionSchema>;

export const rtkSessionParticipantSchema = z.looseObject({
  /** The peer id. */
  id: rtkId,
  /** The RTK participant id. */
  user_id: lenient.string,
  custom_participant_id: lenient.string,
  display_name: lenient.string,
  preset_name: lenient.string,
  joined_at: lenient.string,
  left_at: lenient.string,
  /** Minutes. */
  duration: lenient.number,
});
export type RtkSessionParticipant = z.output<typeof rtkSessionParticipantSchema>;

// The download answers are cased differently per route (docs/rtk.md#base-url-and-auth); kept exactly as RTK sends them.
const transcriptSchema = z.looseObject({
  sessionId: lenient.string,
  transcript_download_url: rtkId,
  transcript_download_url_expiry: lenient.string,
});
const summarySchema = z.looseObject({
  sessionId: lenient.string,
  summaryDownloadUrl: rtkId,
  summaryDownloadUrlExpiry: lenient.string,
});
const summaryRequestSchema = z.looseObject({ session_id: lenient.string, status: lenient.string });
const chatSchema = z.looseObject({ chat_download_url: rtkId, chat_download_url_expiry: lenient.string });

export type RtkTranscriptDownload = z.output<typeof transcriptSchema>;
export type RtkSummaryDownload = z.output<typeof summarySchema>;
export type RtkSummaryRequest = z.output<typeof summaryRequestSchema>;
export type RtkChatDownload = z.output<typeof chatSchema>;

export interface RtkSessionListQuery extends RtkPageQuery {
  meetingId?: string;
  status?: 'LIVE' | 'ENDED';
  /** ISO date-times bounding the start. */
  startTime?: string;
  endTime?: string;
  search?: string;
}

export interface RtkSessionParticipantsQuery extends RtkPageQuery {
  /** `consolidated` merges one person's several peers into one row. */
  view?: 'raw' | 'consolidated';
  includePeerEvents?: boolean;
}

export interface RtkSessionsApi {
  list(q?: RtkSessionListQuery): Promise<RtkPage<RtkSession>>;
  get(id: string): Promise<RtkSession>;
  participants(id: string, q?: RtkSessionParticipantsQuery): Promise<RtkPage<RtkSessionParticipant>>;
  transcript(id: string, q?: { format?: 'SRT' | 'VTT' | 'JSON' | 'CSV' }): Promise<RtkTranscriptDownload>;
  summary(id: string): Promise<RtkSummaryDownload>;
  /** Needs a transcript; the summary itself arrives by the `meeting.summary` webhook. */
  generateSummary(id: string): Promise<RtkSummaryRequest>;
  chat(id: string): Promise<RtkChatDownload>;
}

export function sessionsApi(rtk: RtkTransport): RtkSessionsApi {
  const one = (id: string) => `/sessions/${pathPart(id)}`;
  // Every read here is a plain, retryable GET.
  const readCall = (path: string, what: string, query?: RtkQuery): RtkCall => ({
    method: 'GET',
    path,
    query,
    idempotent: true,
    what,
  });
  return {
    list: (q = {}) =>
      rtk.page(
        readCall('/sessions', 'list sessions', {
          ...pageQuery(q),
          associated_id: q.meetingId,
          status: q.status,
          start_time: q.startTime,
          end_time: q.endTime,
          search: q.search,
        }),
        z.looseObject({ sessions: z.array(rtkSessionSchema) }).transform((data) => data.sessions),
      ),
    get: (id) => rtk.data(readCall(one(id), `get session ${id}`), rtkSessionSchema),
    participants: (id, q = {}) =>
      rtk.page(
        readCall(`${one(id)}/participants`, `list the participants of session ${id}`, {
          ...pageQuery(q),
          view: q.view,
          include_peer_events: q.includePeerEvents,
        }),
        z.looseObject({ participants: z.array(rtkSessionParticipantSchema) }).transform((data) => data.participants),
      ),
    transcript: (id, q = {}) =>
      rtk.data(
        readCall(`${one(id)}/transcript`, `get the transcript of session ${id}`, { format: q.format }),
        transcriptSchema,
      ),
    summary: (id) => rtk.data(readCall(`${one(id)}/summary`, `get the summary of session ${id}`), summarySchema),
    // Not retried: each accepted request starts a (billed) summarisation.
    generateSummary: (id) =>
      rtk.data(
        { method: 'POST', path: `${one(id)}/summary`, idempotent: false, what: `request a summary of session ${id}` },
        summaryRequestSchema,
      ),
    chat: (id) => rtk.data(readCall(`${one(id)}/chat`, `get the chat export of session ${id}`), chatSchema),
  };
}
