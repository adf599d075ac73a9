import { z } from '@hono/zod-openapi';
import { emptyBody, jsonBody as body, jsonResponse as json } from '../http/json-content';
import { errorResponses } from '../http/errors';
import { defineRoute } from '../auth/define-route';
import { createRouter } from '../http/router';
import { clientAddressBucket } from '../rate-limit/limits';
import { guestJoin, refreshGuestToken } from './guest-join';
import { answerInvite, inviteToMeeting, listMeetingInvites } from './invites';
import { joinMeeting, refreshJoinToken } from './join';
import { lookUpRoom } from './room-lookup';
import {
  GuestJoinResponseSchema,
  GuestJoinSchema,
  GuestRefreshSchema,
  InviteCreateSchema,
  JoinResponseSchema,
  MeetingCreateSchema,
  MeetingInviteSchema,
  MeetingListQuerySchema,
  MeetingListSchema,
  MeetingParamsSchema,
  MeetingPatchSchema,
  MeetingSchema,
  OccurrenceParamsSchema,
  OccurrencePatchSchema,
  OccurrenceSchema,
  RoomLookupSchema,
  RsvpSchema,
  TokenRefreshResponseSchema,
} from './schemas';
import { cancelOccurrence, listSeriesOccurrences, meetingCalendarFile, updateOccurrence } from './series-service';
import {
  cancelOrgMeeting,
  createMeeting,
  endOrgMeeting,
  getMeeting,
  listOrgMeetings,
  startOrgMeeting,
  updateMeeting,
} from './service';

const tags = ['Meetings'];
const meetingResponse = json(MeetingSchema, 'The meeting');
/** Routes that talk to RealtimeKit can answer 502/503 when it fails or is not configured. */
const rtkErrors = errorResponses(502, 503);
const noInput = emptyBody('NoInput');

const createRoute = defineRoute('meetings.create', {
  method: 'post',
  path: '/api/meetings',
  operationId: 'createMeeting',
  tags,
  summary: 'Create an instant, scheduled, recurring or permanent meeting',
  request: { body: body(MeetingCreateSchema) },
  responses: { 201: meetingResponse, ...errorResponses(409, 422), ...rtkErrors },
});

const listRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings',
  operationId: 'listMeetings',
  tags,
  summary: 'List the organisation’s meetings (filters, cursor pagination)',
  request: { query: MeetingListQuerySchema },
  responses: { 200: json(MeetingListSchema, 'A page of meetings') },
});

const getRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}',
  operationId: 'getMeeting',
  tags,
  summary: 'One meeting',
  request: { params: MeetingParamsSchema },
  responses: { 200: meetingResponse, ...errorResponses(404) },
});

const patchRoute = defineRoute('meetings.manage.own', {
  method: 'patch',
  path: '/api/meetings/{meetingId}',
  operationId: 'updateMeeting',
  tags,
  summary: 'Change a meeting’s title, time or settings',
  request: { params: MeetingParamsSchema, body: body(MeetingPatchSchema) },
  responses: { 200: meetingResponse, ...errorResponses(404, 409, 422) },
});

const deleteRoute = defineRoute('meetings.manage.own', {
  method: 'delete',
  path: '/api/meetings/{meetingId}',
  operationId: 'cancelMeeting',
  tags,
  summary: 'Cancel a meeting (permanent rooms: deactivate); its history stays',
  request: { params: MeetingParamsSchema },
  responses: { 200: meetingResponse, ...errorResponses(404, 409), ...rtkErrors },
});

const startRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/start',
  operationId: 'startMeeting',
  tags,
  summary: 'Start a draft or scheduled meeting now',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: meetingResponse, ...errorResponses(404, 409), ...rtkErrors },
});

const endRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/end',
  operationId: 'endMeeting',
  tags,
  summary: 'End the meeting for everyone (kick all, close the room)',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: meetingResponse, ...errorResponses(404, 409), ...rtkErrors },
});

const joinRoute = defineRoute('meetings.join', {
  method: 'post',
  path: '/api/meetings/{meetingId}/join',
  operationId: 'joinMeeting',
  tags,
  summary: 'Join: an RTK participant with the preset for your role, and the meeting config',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(JoinResponseSchema, 'Joined'), ...errorResponses(404, 409), ...rtkErrors },
});

const refreshRoute = defineRoute('meetings.join', {
  method: 'post',
  path: '/api/meetings/{meetingId}/join/refresh',
  operationId: 'refreshJoinToken',
  tags,
  summary: 'A fresh RTK auth token for your participant',
  request: { params: MeetingParamsSchema, body: noInput },
  responses: { 200: json(TokenRefreshResponseSchema, 'A new token'), ...errorResponses(404), ...rtkErrors },
});

const guestJoinRoute = defineRoute('public', {
  method: 'post',
  path: '/api/meetings/{meetingId}/guest-join',
  operationId: 'joinMeetingAsGuest',
  tags,
  summary: 'Join as a guest with a display name (where the meeting allows guests)',
  request: { params: MeetingParamsSchema, body: body(GuestJoinSchema) },
  responses: {
    200: json(GuestJoinResponseSchema, 'Joined as a guest'),
    ...errorResponses(403, 404, 409),
    ...rtkErrors,
  },
});

const guestRefreshRoute = defineRoute('public', {
  method: 'post',
  path: '/api/meetings/{meetingId}/guest-join/refresh',
  operationId: 'refreshGuestJoinToken',
  tags,
  summary: 'A fresh RTK auth token for a guest, with their guest token',
  request: { params: MeetingParamsSchema, body: body(GuestRefreshSchema) },
  responses: { 200: json(TokenRefreshResponseSchema, 'A new token'), ...errorResponses(401), ...rtkErrors },
});

const roomRoute = defineRoute('public', {
  method: 'get',
  path: '/api/rooms/{orgSlug}/{slug}',
  operationId: 'resolveRoomLink',
  tags,
  summary: 'Resolve a meeting link /{orgSlug}/m/{slug} for the join page',
  request: { params: z.object({ orgSlug: z.string().max(64), slug: z.string().max(64) }) },
  responses: { 200: json(RoomLookupSchema, 'The room'), ...errorResponses(404) },
});

const calendarRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/calendar.ics',
  operationId: 'getMeetingCalendarFile',
  tags,
  summary: 'The meeting (or series) as an iCalendar file',
  request: { params: MeetingParamsSchema },
  responses: {
    200: { description: 'RFC 5545 calendar', content: { 'text/calendar': { schema: z.string() } } },
    ...errorResponses(404),
  },
});

const occurrencesRoute = defineRoute('authenticated', {
  method: 'get',
  path: '/api/meetings/{meetingId}/occurrences',
  operationId: 'listOccurrences',
  tags,
  summary: 'Coming occurrences of a recurring meeting',
  request: { params: MeetingParamsSchema },
  responses: {
    200: json(z.object({ items: z.array(OccurrenceSchema) }), 'Occurrences'),
    ...errorResponses(404, 422),
  },
});

const patchOccurrenceRoute = defineRoute('meetings.manage.own', {
  method: 'patch',
  path: '/api/meetings/{meetingId}/occurrences/{occurrenceId}',
  operationId: 'updateOccurrence',
  tags,
  summary: 'Change one occurrence (title, description, time)',
  request: { params: OccurrenceParamsSchema, body: body(OccurrencePatchSchema) },
  responses: { 200: json(OccurrenceSchema, 'The occurrence'), ...errorResponses(404, 409, 422) },
});

const cancelOccurrenceRoute = defineRoute('meetings.manage.own', {
  method: 'delete',
  path: '/api/meetings/{meetingId}/occurrences/{occurrenceId}',
  operationId: 'cancelOccurrence',
  tags,
  summary: 'Cancel one occurrence (an exception of the series)',
  request: { params: OccurrenceParamsSchema },
  responses: {
    200: json(OccurrenceSchema, 'The cancelled occurrence'),
    ...errorResponses(404, 409, 422),
    ...rtkErrors,
  },
});

const inviteListSchema = z.object({ items: z.array(MeetingInviteSchema) });
const inviteRoute = defineRoute('meetings.manage.own', {
  method: 'post',
  path: '/api/meetings/{meetingId}/invites',
  operationId: 'inviteToMeeting',
  tags,
  summary: 'Invite members (by id) or outsiders (by e-mail)',
  request: { params: MeetingParamsSchema, body: body(InviteCreateSchema) },
  responses: { 200: json(inviteListSchema, 'All invitations of the meeting'), ...errorResponses(404, 422) },
});

const listInvitesRoute = defineRoute('meetings.manage.own', {
  method: 'get',
  path: '/api/meetings/{meetingId}/invites',
  operationId: 'listMeetingInvites',
  tags,
  summary: 'Invitations and their answers',
  request: { params: MeetingParamsSchema },
  responses: { 200: json(inviteListSchema, 'Invitations'), ...errorResponses(404) },
});

const rsvpRoute = defineRoute('authenticated', {
  method: 'put',
  path: '/api/meetings/{meetingId}/invites/me',
  operationId: 'answerMeetingInvite',
  tags,
  summary: 'Answer your invitation',
  request: { params: MeetingParamsSchema, body: body(RsvpSchema) },
  responses: { 200: json(MeetingInviteSchema, 'Your invitation'), ...errorResponses(404) },
});

export const meetingRoutes = createRouter()
  .openapi(roomRoute, async (c) =>
    c.json(await lookUpRoom(c.env, c.req.valid('param').orgSlug, c.req.valid('param').slug), 200),
  )
  .openapi(createRoute, async (c) => c.json(await createMeeting(c.env, c.get('auth'), c.req.valid('json')), 201))
  .openapi(listRoute, async (c) => c.json(await listOrgMeetings(c.env, c.get('auth'), c.req.valid('query')), 200))
  .openapi(getRoute, async (c) => c.json(await getMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200))
  .openapi(patchRoute, async (c) =>
    c.json(await updateMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('json')), 200),
  )
  .openapi(deleteRoute, async (c) =>
    c.json(await cancelOrgMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(startRoute, async (c) =>
    c.json(await startOrgMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(endRoute, async (c) =>
    c.json(await endOrgMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(joinRoute, async (c) => c.json(await joinMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId), 200))
  .openapi(refreshRoute, async (c) =>
    c.json(await refreshJoinToken(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(guestJoinRoute, async (c) =>
    c.json(
      await guestJoin(
        c.env,
        c.req.valid('param').meetingId,
        c.req.valid('json'),
        clientAddressBucket(c.req.raw.headers),
      ),
      200,
    ),
  )
  .openapi(guestRefreshRoute, async (c) =>
    c.json(await refreshGuestToken(c.env, c.req.valid('param').meetingId, c.req.valid('json').guestToken), 200),
  )
  .openapi(calendarRoute, async (c) => {
    const file = await meetingCalendarFile(c.env, c.get('auth'), c.req.valid('param').meetingId);
    return c.body(file.body, 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
    });
  })
  .openapi(occurrencesRoute, async (c) =>
    c.json(await listSeriesOccurrences(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(patchOccurrenceRoute, async (c) => {
    const { meetingId, occurrenceId } = c.req.valid('param');
    return c.json(await updateOccurrence(c.env, c.get('auth'), meetingId, occurrenceId, c.req.valid('json')), 200);
  })
  .openapi(cancelOccurrenceRoute, async (c) => {
    const { meetingId, occurrenceId } = c.req.valid('param');
    return c.json(await cancelOccurrence(c.env, c.get('auth'), meetingId, occurrenceId), 200);
  })
  .openapi(inviteRoute, async (c) =>
    c.json(await inviteToMeeting(c.env, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('json')), 200),
  )
  .openapi(listInvitesRoute, async (c) =>
    c.json(await listMeetingInvites(c.env, c.get('auth'), c.req.valid('param').meetingId), 200),
  )
  .openapi(rsvpRoute, async (c) =>
    c.json(
      await answerInvite(c.env, c.get('auth'), c.req.valid('param').meetingId, c.req.valid('json').rsvpStatus),
      200,
    ),
  );
