// Meetings, participants and the active session (get, kick, kick-all, mute, mute-all, poll).
import { randomUUID } from 'node:crypto';
import { RtkApiError, rtkOk, rtkPage } from './rtk-envelope.ts';
import {
  kickBody,
  meetingCreate,
  meetingPatch,
  muteAllBody,
  parseBody,
  participantCreate,
  participantPatch,
  pollBody,
} from './rtk-schemas.ts';
import { RTK_BASE, RTK_META, appOr404, meetingOr404, timeFilter } from './rtk-lookup.mjs';
import { sessionView } from './session-engine.mjs';

const MEETING_DEFAULTS = {
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

export const meetingView = (m) => {
  const { app_id, ...rest } = m;
  void app_id;
  return rest;
};

const participantView = (p, { withToken = false } = {}) => {
  const view = {
    id: p.id,
    name: p.name,
    picture: p.picture,
    preset_name: p.preset_name,
    custom_participant_id: p.custom_participant_id,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
  if (withToken) view.token = p.token;
  return view;
};

/** @param {import('../http/router.ts').Router} router @param {any} deps */
export function registerMeetingRoutes(router, { store, engine, tokens }) {
  const base = `${RTK_BASE}/:appId/meetings`;

  router.add('POST', base, RTK_META, async ({ params, request }) => {
    appOr404(store, params.appId);
    const body = await parseBody(request, meetingCreate, { optional: true });
    const meeting = store.transact((s) => {
      const now = new Date().toISOString();
      const m = {
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
    (replace) =>
    async ({ params, request }) => {
      meetingOr404(store, params.appId, params.meetingId);
      const body = await parseBody(request, meetingPatch, { optional: !replace });
      const meeting = store.transact((s) => {
        const m = s.rtk.meetings.find((x) => x.id === params.meetingId);
        if (replace) Object.assign(m, structuredClone(MEETING_DEFAULTS), { status: 'ACTIVE' });
        Object.assign(m, body, { updated_at: new Date().toISOString() });
        return m;
      });
      // Going INACTIVE ends a live session, as kick-all does.
      if (body.status === 'INACTIVE' && engine.liveSession(meeting.id))
        engine.endSession(meeting.id, { reason: 'HOST_ENDED_MEETING' });
      return rtkOk(meetingView(meeting));
    };
  router.add('PATCH', `${base}/:meetingId`, RTK_META, update(false));
  router.add('PUT', `${base}/:meetingId`, RTK_META, update(true));

  // --- Participants ---------------------------------------------------------------------------------------
  const pbase = `${base}/:meetingId/participants`;
  const findParticipant = (params) => {
    meetingOr404(store, params.appId, params.meetingId);
    const p = store.data.rtk.participants.find(
      (x) => x.id === params.participantId && x.meeting_id === params.meetingId,
    );
    if (!p) throw new RtkApiError(404, `Participant ${params.participantId} not found`);
    return p;
  };
  const presetFor = (appId, name) => {
    const preset = store.data.rtk.presets.find((p) => p.app_id === appId && p.name === name);
    if (!preset) throw new RtkApiError(400, `Preset ${name} does not exist`);
    return preset;
  };
  const tokenFor = (participant, preset) =>
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
    const participant = store.transact((s) => {
      const now = new Date().toISOString();
      const p = {
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
      p.token = tokenFor(p, preset);
      s.rtk.participants.push(p);
      return p;
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
    findParticipant(params);
    const body = await parseBody(request, participantPatch, { optional: true });
    const preset = body.preset_name ? presetFor(params.appId, body.preset_name) : null;
    const participant = store.transact((s) => {
      const p = s.rtk.participants.find((x) => x.id === params.participantId);
      if (body.name !== undefined) p.name = body.name;
      if (body.picture !== undefined) p.picture = body.picture;
      if (preset) {
        p.preset_id = preset.id;
        p.preset_name = preset.name;
        p.token = tokenFor(p, preset);
      }
      p.updated_at = new Date().toISOString();
      return p;
    });
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
    const preset = store.data.rtk.presets.find((x) => x.id === p.preset_id) ?? { id: p.preset_id };
    const token = store.transact((s) => {
      const target = s.rtk.participants.find((x) => x.id === p.id);
      target.token = tokenFor(target, preset);
      return target.token;
    });
    return rtkOk({ token });
  });

  // --- Active session -------------------------------------------------------------------------------------
  const abase = `${base}/:meetingId/active-session`;
  const live = (params) => {
    meetingOr404(store, params.appId, params.meetingId);
    const session = engine.liveSession(params.meetingId);
    if (!session) throw new RtkApiError(404, 'No active session found for this meeting');
    return session;
  };
  router.add('GET', abase, RTK_META, ({ params }) => rtkOk(sessionView(live(params))));
  router.add('POST', `${abase}/kick`, RTK_META, async ({ params, request }) => {
    live(params);
    const body = await parseBody(request, kickBody);
    if (!body.participant_ids?.length && !body.custom_participant_ids?.length)
      throw new RtkApiError(400, 'Pass participant_ids or custom_participant_ids');
    const kicked = engine.kick(params.meetingId, {
      participantIds: body.participant_ids ?? [],
      customIds: body.custom_participant_ids ?? [],
    });
    return rtkOk({
      action: 'kick',
      participants: kicked.map((p) => ({
        id: p.participant_id,
        custom_participant_id: p.custom_participant_id,
        peer_id: p.peer_id,
        name: p.display_name,
      })),
    });
  });
  router.add('POST', `${abase}/kick-all`, RTK_META, ({ params }) => {
    const session = live(params);
    const count = session.peers.filter((p) => !p.left_at).length;
    engine.endSession(params.meetingId, { reason: 'HOST_ENDED_MEETING' });
    return rtkOk({ action: 'kick-all', kicked_participants_count: count });
  });
  router.add('POST', `${abase}/mute`, RTK_META, async ({ params, request }) => {
    const session = live(params);
    const body = await parseBody(request, kickBody);
    const targets = session.peers.filter(
      (p) =>
        !p.left_at &&
        ((body.participant_ids ?? []).includes(p.participant_id) ||
          (body.custom_participant_ids ?? []).includes(p.custom_participant_id)),
    );
    return rtkOk({
      action: 'mute',
      participants: targets.map((p) => ({ id: p.participant_id, custom_participant_id: p.custom_participant_id })),
    });
  });
  router.add('POST', `${abase}/mute-all`, RTK_META, async ({ params, request }) => {
    const session = live(params);
    await parseBody(request, muteAllBody, { optional: true });
    return rtkOk({ action: 'mute-all', muted_participants_count: session.peers.filter((p) => !p.left_at).length });
  });
  router.add('POST', `${abase}/poll`, RTK_META, async ({ params, request }) => {
    live(params);
    const body = await parseBody(request, pollBody);
    return rtkOk({
      action: 'create-poll',
      poll: {
        id: randomUUID(),
        question: body.question,
        options: body.options.map((text) => ({ text, count: 0, votes: [] })),
        anonymous: body.anonymous ?? false,
        hide_votes: body.hide_votes ?? false,
        created_by: 'API',
      },
    });
  });
}
