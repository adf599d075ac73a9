// Meetings and their participants (the active session: active-session-routes.ts).
import { randomUUID } from 'node:crypto';
import type { RouteContext, Router } from '../http/router.ts';
import type { Meeting, Participant, Preset } from '../state/rtk-records.ts';
import type { StateStore } from '../state/store.ts';
import type { ParticipantTokens } from './participant-token.ts';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import { meetingCreate, meetingPatch, parseBody, participantCreate, participantPatch } from './rtk-schemas.ts';
import { appOr404, meetingOr404, RTK_BASE, RTK_META, timeFilter } from './rtk-lookup.ts';
import type { SessionEngine } from './session-engine.ts';

type MeetingParams = { appId: string; meetingId: string };

const MEETING_DEFAULTS: Omit<Meeting, 'id' | 'app_id' | 'status' | 'created_at' | 'updated_at'> = {
  title: null,
  record_on_start: false,
  live_stream_on_start: false,
  persist_chat: false,
  transcribe_on_end: false,
  summarize_on_end: false,
  session_keep_alive_time_in_secs: 60,
  ai_config: {
    transcription: { language: 'en-US', keywords: [], profanity_filter: false },
    summarization: { summary_type: 'general', text_format: 'markdown', word_limit: 500 },
  },
  recording_config: null,
};

export const meetingView = (m: Meeting) => {
  const { app_id, ...shown } = m;
  return shown;
};

const participantView = (p: Participant, { withToken = false } = {}) => ({
  id: p.id,
  name: p.name,
  picture: p.picture,
  preset_name: p.preset_name,
  custom_participant_id: p.custom_participant_id,
  created_at: p.created_at,
  updated_at: p.updated_at,
  ...(withToken ? { token: p.token } : {}),
});

export function registerMeetingRoutes(
  router: Router,
  { store, sessions, tokens }: { store: StateStore; sessions: SessionEngine; tokens: ParticipantTokens },
): void {
  const base = `${RTK_BASE}/:appId/meetings`;

  router.add('POST', base, RTK_META, async ({ params, request }) => {
    appOr404(store, params.appId);
    const body = await parseBody(request, meetingCreate, { optional: true });
    const meeting = store.transact((s) => {
      const now = new Date().toISOString();
      const m: Meeting = {
        id: randomUUID(),
        app_id: params.appId,
        ...structuredClone(MEETING_DEFAULTS),
        ...body,
        status: 'ACTIVE',
        created_at: now,
        updated_at: now,
      };
      s.rtk.meetings.push(m);
      return m;
    });
    return rtkOk(meetingView(meeting), { status: 201 });
  });

  router.add('GET', base, RTK_META, ({ params, url }) => {
    appOr404(store, params.appId);
    const search = url.searchParams.get('search')?.toLowerCase();
    const status = url.searchParams.get('status');
    const start = timeFilter(url.searchParams.get('start_time'), 'start_time');
    const end = timeFilter(url.searchParams.get('end_time'), 'end_time');
    const list = store.data.rtk.meetings
      .filter((m) => m.app_id === params.appId)
      .filter((m) => !search || m.id === search || (m.title ?? '').toLowerCase().includes(search))
      .filter((m) => !status || m.status === status)
      .filter(
        (m) =>
          (start === null || Date.parse(m.created_at) >= start) && (end === null || Date.parse(m.created_at) <= end),
      )
      .map(meetingView)
      .reverse();
    const { slice, paging } = rtkPage(url, list);
    return rtkOk(slice, { paging });
  });

  router.add('GET', `${base}/:meetingId`, RTK_META, ({ params }) =>
    rtkOk(meetingView(meetingOr404(store, params.appId, params.meetingId))),
  );

  const update =
    (replace: boolean) =>
    async ({ params, request }: RouteContext<MeetingParams>) => {
      const current = meetingOr404(store, params.appId, params.meetingId);
      const body = await parseBody(request, meetingPatch, { optional: !replace });
      const meeting: Meeting = {
        ...current,
        ...(replace ? { ...structuredClone(MEETING_DEFAULTS), status: 'ACTIVE' } : {}),
        ...body,
        updated_at: new Date().toISOString(),
      };
      store.transact((s) => {
        s.rtk.meetings = s.rtk.meetings.map((m) => (m.id === meeting.id ? meeting : m));
      });
      // Going INACTIVE ends a live session, as kick-all does.
      if (body.status === 'INACTIVE' && sessions.liveSession(meeting.id))
        sessions.endSession(meeting.id, { reason: 'HOST_ENDED_MEETING' });
      return rtkOk(meetingView(meeting));
    };
  router.add('PATCH', `${base}/:meetingId`, RTK_META, update(false));
  router.add('PUT', `${base}/:meetingId`, RTK_META, update(true));

  // --- Participants ---------------------------------------------------------------------------------------
  const pbase = `${base}/:meetingId/participants`;
  const findParticipant = (params: MeetingParams & { participantId: string }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const p = store.data.rtk.participants.find(
      (x) => x.id === params.participantId && x.meeting_id === params.meetingId,
    );
    if (!p) throw new RtkApiError(404, `Participant ${params.participantId} not found`);
    return p;
  };
  const presetFor = (appId: string, name: string) => {
    const preset = store.data.rtk.presets.find((p) => p.app_id === appId && p.name === name);
    if (!preset) throw new RtkApiError(400, `Preset ${name} does not exist`);
    return preset;
  };
  const replaceParticipant = (participant: Participant) =>
    store.transact((s) => {
      s.rtk.participants = s.rtk.participants.map((p) => (p.id === participant.id ? participant : p));
    });
  const tokenFor = (participant: Omit<Participant, 'token'>, preset: Pick<Preset, 'id'>) =>
    tokens.issue({
      participantId: participant.id,
      meetingId: participant.meeting_id,
      appId: participant.app_id,
      presetId: preset.id,
    });

  router.add('POST', pbase, RTK_META, async ({ params, request }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const body = await parseBody(request, participantCreate);
    const preset = presetFor(params.appId, body.preset_name);
    const now = new Date().toISOString();
    const fields = {
      id: randomUUID(),
      app_id: params.appId,
      meeting_id: params.meetingId,
      custom_participant_id: body.custom_participant_id,
      name: body.name ?? null,
      picture: body.picture ?? null,
      preset_id: preset.id,
      preset_name: preset.name,
      created_at: now,
      updated_at: now,
    };
    const participant = { ...fields, token: tokenFor(fields, preset) };
    store.transact((s) => {
      s.rtk.participants.push(participant);
    });
    return rtkOk(participantView(participant, { withToken: true }), { status: 201 });
  });
  router.add('GET', pbase, RTK_META, ({ params, url }) => {
    meetingOr404(store, params.appId, params.meetingId);
    const list = store.data.rtk.participants
      .filter((p) => p.meeting_id === params.meetingId)
      .map((p) => participantView(p));
    const { slice, paging } = rtkPage(url, list);
    return rtkOk(slice, { paging });
  });
  router.add('GET', `${pbase}/:participantId`, RTK_META, ({ params }) =>
    rtkOk(participantView(findParticipant(params))),
  );
  router.add('PATCH', `${pbase}/:participantId`, RTK_META, async ({ params, request }) => {
    const current = findParticipant(params);
    const body = await parseBody(request, participantPatch, { optional: true });
    const preset = body.preset_name ? presetFor(params.appId, body.preset_name) : null;
    const changed = {
      ...current,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.picture !== undefined ? { picture: body.picture } : {}),
      ...(preset ? { preset_id: preset.id, preset_name: preset.name } : {}),
      updated_at: new Date().toISOString(),
    };
    const participant = preset ? { ...changed, token: tokenFor(changed, preset) } : changed;
    replaceParticipant(participant);
    return rtkOk(participantView(participant, { withToken: true }));
  });
  router.add('DELETE', `${pbase}/:participantId`, RTK_META, ({ params }) => {
    const p = findParticipant(params);
    store.transact((s) => {
      s.rtk.participants = s.rtk.participants.filter((x) => x.id !== p.id);
    });
    return rtkOk({
      custom_participant_id: p.custom_participant_id,
      preset_id: p.preset_id,
      created_at: p.created_at,
      updated_at: p.updated_at,
    });
  });
  router.add('POST', `${pbase}/:participantId/token`, RTK_META, ({ params }) => {
    const p = findParticipant(params);
    const token = tokenFor(p, { id: p.preset_id });
    replaceParticipant({ ...p, token });
    return rtkOk({ token });
  });
}
