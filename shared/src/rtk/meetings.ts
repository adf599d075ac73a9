import { z } from 'zod';
import { pageQuery, type RtkPage, type RtkPageQuery } from './envelope';
import { lenient, rtkId } from './fields';
import type { RtkRecordingConfig } from './recordings';
import { pathPart, type RtkTransport } from './transport';

export const rtkMeetingSchema = z.looseObject({
  id: rtkId,
  title: lenient.string,
  /** `ACTIVE` | `INACTIVE` (INACTIVE blocks joins and new sessions). */
  status: lenient.string,
  record_on_start: lenient.boolean,
  live_stream_on_start: lenient.boolean,
  persist_chat: lenient.boolean,
  transcribe_on_end: lenient.boolean,
  summarize_on_end: lenient.boolean,
  session_keep_alive_time_in_secs: lenient.number,
  ai_config: lenient.object,
  recording_config: lenient.object,
  created_at: lenient.string,
  updated_at: lenient.string,
});
export type RtkMeeting = z.output<typeof rtkMeetingSchema>;

export interface RtkAiConfig {
  transcription?: { language?: string; keywords?: string[]; profanity_filter?: boolean };
  summarization?: {
    summary_type?:
      | 'general'
      | 'team_meeting'
      | 'sales_call'
      | 'client_check_in'
      | 'interview'
      | 'daily_standup'
      | 'one_on_one_meeting'
      | 'lecture'
      | 'code_review';
    text_format?: 'plain_text' | 'markdown';
    /** 150–1000 words. */
    word_limit?: number;
  };
}

/** POST /meetings body (docs/rtk.md#meetings); every field is optional. */
export interface RtkMeetingCreate {
  title?: string | null;
  record_on_start?: boolean;
  live_stream_on_start?: boolean;
  persist_chat?: boolean;
  transcribe_on_end?: boolean;
  summarize_on_end?: boolean;
  session_keep_alive_time_in_secs?: number;
  recording_config?: RtkRecordingConfig;
  ai_config?: RtkAiConfig;
}

/** PATCH /meetings/{id}: the create fields plus `status`. */
export interface RtkMeetingPatch extends RtkMeetingCreate {
  status?: 'ACTIVE' | 'INACTIVE';
}

export interface RtkMeetingsApi {
  create(input: RtkMeetingCreate): Promise<RtkMeeting>;
  get(id: string): Promise<RtkMeeting>;
  /** `search` matches the id or the title. */
  list(q?: RtkPageQuery & { search?: string }): Promise<RtkPage<RtkMeeting>>;
  update(id: string, patch: RtkMeetingPatch): Promise<RtkMeeting>;
}

export function meetingsApi(rtk: RtkTransport): RtkMeetingsApi {
  return {
    create: (input) =>
      rtk.data(
        { method: 'POST', path: '/meetings', body: input, idempotent: false, what: 'create a meeting' },
        rtkMeetingSchema,
      ),
    get: (id) =>
      rtk.data(
        { method: 'GET', path: `/meetings/${pathPart(id)}`, idempotent: true, what: `get meeting ${id}` },
        rtkMeetingSchema,
      ),
    list: (q = {}) =>
      rtk.page(
        {
          method: 'GET',
          path: '/meetings',
          query: { ...pageQuery(q), search: q.search },
          idempotent: true,
          what: 'list meetings',
        },
        z.array(rtkMeetingSchema),
      ),
    // RTK's PATCH sets the given fields to the given values, so repeating it changes nothing.
    update: (id, patch) =>
      rtk.data(
        {
          method: 'PATCH',
          path: `/meetings/${pathPart(id)}`,
          body: patch,
          idempotent: true,
          what: `update meeting ${id}`,
        },
        rtkMeetingSchema,
      ),
  };
}
