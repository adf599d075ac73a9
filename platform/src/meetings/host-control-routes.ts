import { emptyBody, jsonBody as body, jsonResponse as json } from '../http/json-content';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import {
  KickResultSchema,
  LivestreamSchema,
  LivestreamStatusSchema,
  MuteAllResultSchema,
  MuteAllSchema,
  ParticipantParamsSchema,
  PresetChangeResultSchema,
  PresetChangeSchema,
  RecordingControlSchema,
  RecordingStartSchema,
  RoomParticipantListSchema,
} from './host-control-schemas';
import { livestreamStatus, startLivestream, stopLivestream } from './livestream-controls';
import { changeParticipantPreset, kickParticipant } from './participant-controls';
import { startRecording, stopRecording } from './recording-controls';
import { listRoomParticipants } from './room-participants';
import { lockMeeting, muteEveryone, unlockMeeting } from './room-controls';
import { MeetingParamsSchema, MeetingSchema } from './schemas';

/** In-meeting host controls; each acts on the meeting's running RTK room (409 when none is open). */
const tags = ['Host controls'];
const noInput = emptyBody('NoInput');
/** Every control reads the meeting (404), needs it running (409) and talks to RealtimeKit (502/503). */
const controlErrors = errorResponses(404, 409, 502, 503);

const participantsRoute = defineRoute('meetings.manage.own', {
  method: 'get',
  path: '/api/meetings/{meetingId}/participants',
  operationId: 'listParticipants',
  tags,
  summary: 'Who is connected to the meeting now, with their preset and role',
  request: { params: MeetingParamsSchema },
  responses: { 200: json(RoomParticipantListSchema, 'Connected participants'), ...controlErrors },
});

const presetRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/participants/{participantId}/preset',
  operationId: 'setParticipantPreset',
  tags,
  summary: 'Promote or demote a participant to another preset of the meeting’s type (audited)',
  request: { params: ParticipantParamsSchema, body: body(PresetChangeSchema) },
  responses: { 200: json(PresetChangeResultSchema, 'The change'), ...controlErrors, ...errorResponses(422) },
});

const kickRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/participants/{participantId}/kick',
  operationId: 'kickParticipant',
  tags,
  summary: 'Remove a participant (frees their seat; a guest’s link stops working)',
  request: { params: ParticipantParamsSchema, body: noInput },
  responses: { 200: json(KickResultSchema, 'Removed'), ...controlErrors },
});

const muteAllRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/mute-all',
  operationId: 'muteAll',
  tags,
  summary: 'Mute everyone',
  request: { params: MeetingParamsSchema, body: body(MuteAllSchema, false) },
  responses: { 200: json(MuteAllResultSchema, 'Muted'), ...controlErrors },
});

const lockRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/lock',
  operationId: 'lockMeeting',
  tags,
  summary: 'Lock the running meeting: nobody but its host and administrators can join',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(MeetingSchema, 'The meeting'), ...errorResponses(404, 409) },
});

const unlockRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/unlock',
  operationId: 'unlockMeeting',
  tags,
  summary: 'Unlock the meeting',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(MeetingSchema, 'The meeting'), ...errorResponses(404) },
});

const recordingStartRoute = defineRoute('recordings.control.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/recording/start',
  operationId: 'startRecording',
  tags,
  summary: 'Start recording with the org’s codec, watermark and storage (or per-track audio)',
  request: { params: MeetingParamsSchema, body: body(RecordingStartSchema, false) },
  responses: { 200: json(RecordingControlSchema, 'Recording'), ...controlErrors, ...errorResponses(422) },
});

const recordingStopRoute = defineRoute('recordings.control.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/recording/stop',
  operationId: 'stopRecording',
  tags,
  summary: 'Stop the running recording',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(RecordingControlSchema, 'Stopped; uploading'), ...controlErrors },
});

const livestreamStartRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/livestream/start',
  operationId: 'startLivestream',
  tags,
  summary: 'Start livestreaming: RTMP ingest server and stream key for the host, HLS playback URL for viewers',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(LivestreamSchema, 'Live'), ...controlErrors, ...errorResponses(422) },
});

const livestreamStopRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/livestream/stop',
  operationId: 'stopLivestream',
  tags,
  summary: 'Stop livestreaming',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(LivestreamStatusSchema, 'Stopped'), ...controlErrors },
});

const livestreamStatusRoute = defineRoute('meetings.manage.own', {
  method: 'get',
  path: '/api/meetings/{meetingId}/livestream',
  operationId: 'getLivestream',
  tags,
  summary: 'Whether the meeting is live, with its ingest and playback details',
  request: { params: MeetingParamsSchema },
  responses: { 200: json(LivestreamStatusSchema, 'Livestream status'), ...controlErrors },
});

export const hostControlRoutes = createRouter()
  .openapi(participantsRoute, async (c) =>
    c.json(await listRoomParticipants(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(presetRoute, async (c) => {
    const { meetingId, participantId } = c.req.valid('param');
    const { presetName } = c.req.valid('json');
    return c.json(await changeParticipantPreset(c.env, c.get('auth'), meetingId, participantId, presetName), 200);
  })
  .openapi(kickRoute, async (c) => {
    const { meetingId, participantId } = c.req.valid('param');
    return c.json(await kickParticipant(c.env, c.get('auth'), meetingId, participantId), 200);
  })
  .openapi(muteAllRoute, async (c) => {
    const { allowUnmute } = c.req.valid('json');
    return c.json(await muteEveryone(c.env, c.get('auth'), c.req.valid('param').meetingId, allowUnmute), 200);
  })
  .openapi(lockRoute, async (c) => c.json(await lockMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200))
  .openapi(unlockRoute, async (c) =>
    c.json(await unlockMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(recordingStartRoute, async (c) => {
    const { perTrack } = c.req.valid('json');
    return c.json(await startRecording(c.env, c.get('auth'), c.req.valid('param').meetingId, perTrack), 200);
  })
  .openapi(recordingStopRoute, async (c) =>
    c.json(await stopRecording(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(livestreamStartRoute, async (c) =>
    c.json(await startLivestream(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(livestreamStopRoute, async (c) =>
    c.json(await stopLivestream(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(livestreamStatusRoute, async (c) =>
    c.json(await livestreamStatus(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  );
