import { beforeAll, describe, expect, it } from 'vitest';
import { apiContract, call, createOrg, expectError, json, jsonOf, type Session } from '../helpers';
import type { ErrorEnvelope } from '@castio/shared/schemas';
import type { ApiDocument } from '../api-types';
import { apiOperations, documentAt, fillPath, jsonBodySchema } from '../openapi-routes';

const ISSUE_ROUTES = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'GET /api/auth/me',
  'GET /api/users',
  'GET /api/users/{userId}',
  'PATCH /api/users/{userId}',
  'DELETE /api/users/{userId}',
  'POST /api/users/invites',
  'GET /api/users/invites',
  'DELETE /api/users/invites/{inviteId}',
  'GET /api/org',
  'GET /api/org/settings',
  'PATCH /api/org/settings',
  'POST /api/org/branding',
  'GET /api/org/branding/{orgId}/{fileName}',
];

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route with request and response schemas', async () => {
    const response = await call('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const document = await json<ApiDocument>(response);
    expect(document.openapi).toBe('3.1.0');
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of ISSUE_ROUTES) expect(listed).toContain(route);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
        expect(success, `${method} ${path}`).toBeTruthy();
        // The RTK webhook body is raw signed bytes, verified before anything parses it: no JSON schema on purpose.
        const rawBody = path.endsWith('/webhooks/rtk');
        if (
          ['post', 'patch', 'put'].includes(method) &&
          !path.endsWith('/refresh') &&
          !path.endsWith('/logout') &&
          !rawBody
        ) {
          expect(operation.requestBody, `${method} ${path} body`).toBeTruthy();
        }
        const status = operation.responses['400'] ? '400' : '401';
        expect(
          operation.responses[status]?.content?.['application/json']?.schema?.$ref,
          `${method} ${path} error`,
        ).toBe(`#/components/schemas/Error${status}`);
      }
    }
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the API reference page with its bundle from our own origin', async () => {
    const page = await call('GET', '/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/vendor/scalar-api-reference.js');
    expect(html).toContain('/api/openapi.json');
    expect(html).not.toMatch(/https:\/\/cdn\./);
  });

  it('answers unknown routes in the error envelope with a request id', async () => {
    const response = await call('GET', '/api/nope');
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/nope.' } });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('cross-site requests', () => {
  it('refuses writes a browser sends from another site, and allows same-origin and server clients', async () => {
    const body = { email: 'csrf@example.com', password: 'whatever-long' };
    const evil = await call('POST', '/api/auth/login', { body, headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect((await json<ErrorEnvelope>(evil)).error.code).toBe('cross_site_request');
    const fetchMeta = await call('POST', '/api/auth/refresh', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(fetchMeta.status).toBe(403);
    const sameOrigin = await call('POST', '/api/auth/login', {
      body,
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body })).status).toBe(401);
    expect((await call('GET', '/api/health', { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });
});

/** Each finding of issue 9 ("the OpenAPI document must match the server"): what the document says, and the server. */
describe('the document says what the server does', () => {
  let owner: Session;
  beforeAll(async () => {
    owner = await createOrg('openapi');
  });
  const schemaAt = async (pointer: string) => (await apiContract()).validatorAt(pointer);

  it('allows a livestream status without a livestream (null)', async () => {
    const status = await schemaAt('/components/schemas/LivestreamStatus');
    expect(status({ live: false, livestream: null })).toBe(true);
    const stream = { rtkLivestreamId: 'ls1', status: 'LIVE', ingestServer: null, streamKey: null, playbackUrl: null };
    expect(status({ live: true, livestream: stream })).toBe(true);
    expect(status({ live: true, livestream: { status: 'LIVE' } })).toBe(false);
  });

  it('lists 413 and 415 on every write the JSON body checks cover, and the server answers them there', async () => {
    const { operations } = await apiOperations();
    const ownLimits = ['/api/org/branding', '/api/webhooks/rtk'];
    const checked = operations.filter(
      (route) => route.path.startsWith('/api/') && route.method !== 'GET' && !ownLimits.includes(route.path),
    );
    expect(checked.length).toBeGreaterThanOrEqual(45);
    for (const route of checked) {
      expect(Object.keys(route.operation.responses), `${route.method} ${route.path}`).toEqual(
        expect.arrayContaining(['403', '413', '415']),
      );
    }
    // Also where the operation takes no body: the checks run on whatever is sent.
    const textBody = { rawBody: 'bye', headers: { 'content-type': 'text/plain' } };
    await expectError(await call('POST', '/api/auth/logout', textBody), 415, 'unsupported_media_type');
    const huge = {
      rawBody: JSON.stringify({ x: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    };
    await expectError(await call('POST', '/api/auth/logout', huge), 413, 'payload_too_large');
  });

  it('limits a guest’s displayName to 50 characters, as the server does', async () => {
    const guestJoin = jsonBodySchema(
      (await apiOperations()).document.paths['/api/meetings/{meetingId}/guest-join']?.post,
    );
    expect(guestJoin?.properties?.displayName).toMatchObject({ minLength: 2, maxLength: 50 });
    const url = '/api/meetings/01J00000000000000000000000/guest-join';
    const tooLong = await expectError(await call('POST', url, { body: { displayName: 'x'.repeat(51) } }), 400);
    expect(tooLong).toMatchObject({ code: 'validation_failed', details: [{ path: 'displayName' }] });
    // 50 characters pass validation: the unknown meeting is what stops this one.
    await expectError(await call('POST', url, { body: { displayName: 'x'.repeat(50) } }), 404, 'not_found');
  });

  it('requires at least one field in every PATCH body, as the server does', async () => {
    const { operations } = await apiOperations();
    const patches = operations.filter((route) => route.method === 'PATCH');
    expect(patches.length).toBeGreaterThanOrEqual(7);
    for (const route of patches) {
      expect(jsonBodySchema(route.operation)?.minProperties, `${route.path}`).toBe(1);
      const url = fillPath(route.path, { userId: owner.user.id });
      await expectError(await call('PATCH', url, { token: owner.token, body: {} }), 400, 'validation_failed');
    }
  });

  it('requires someone to invite in MeetingInviteCreate, as the server does', async () => {
    const invite = await schemaAt('/components/schemas/MeetingInviteCreate');
    expect(invite({})).toBe(false);
    expect(invite({ userIds: [], emails: [] })).toBe(false);
    expect(invite({ emails: ['ada@example.com'] })).toBe(true);
    const created = await jsonOf<'POST /api/meetings'>(
      await call('POST', '/api/meetings', {
        token: owner.token,
        body: { schedulingType: 'instant', title: 'Invites' },
      }),
    );
    for (const body of [{}, { userIds: [], emails: [] }]) {
      const url = `/api/meetings/${created.id}/invites`;
      await expectError(await call('POST', url, { token: owner.token, body }), 400, 'validation_failed');
    }
  });

  it('gives font names a pattern that works as a JSON Schema pattern', async () => {
    const fontPointers = [
      '/components/schemas/OrgSettingsPatch/properties/fontFamily',
      '/components/schemas/OrgSettingsPatch/properties/googleFont',
      '/components/schemas/PresetBody/properties/ui/properties/design_tokens/properties/font_family',
      '/components/schemas/PresetBody/properties/ui/properties/design_tokens/properties/google_font',
    ];
    for (const pointer of fontPointers) {
      const font = await schemaAt(pointer);
      expect(font('Inter, sans-serif'), pointer).toBe(true);
      expect(font('"Noto Sans JP", Ünïcödé-Serif 2'), pointer).toBe(true);
      expect(font('Inter; } body { color: red'), pointer).toBe(false);
    }
    const patched = await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: { fontFamily: 'Inter, sans-serif', googleFont: 'Roboto' },
    });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({ fontFamily: 'Inter, sans-serif', googleFont: 'Roboto' });
  });

  it('documents recurrence.dtstart as the local time without offset the server takes', async () => {
    const pointer = '/components/schemas/MeetingCreate/oneOf/2/properties/recurrence/properties/dtstart';
    const { document } = await apiContract();
    expect(documentAt(document, pointer)).toMatchObject({ type: 'string' });
    expect(documentAt(document, `${pointer}/format`)).toBe(undefined);
    const dtstart = await schemaAt(pointer);
    for (const accepted of ['2030-01-07T09:00', '2030-01-07T09:00:00']) expect(dtstart(accepted)).toBe(true);
    for (const refused of ['2030-01-07T09:00:00Z', '2030-01-07T09:00+01:00', '2030-01-07']) {
      expect(dtstart(refused), refused).toBe(false);
    }
    const series = (start: string) => ({
      schedulingType: 'recurring',
      title: 'Weekly',
      timezone: 'Europe/Berlin',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2', dtstart: start },
    });
    const created = await call('POST', '/api/meetings', { token: owner.token, body: series('2030-01-07T09:00') });
    expect(created.status).toBe(201);
    const withOffset = await call('POST', '/api/meetings', { token: owner.token, body: series('2030-01-07T09:00Z') });
    await expectError(withOffset, 400, 'validation_failed');
  });

  it('requires names and titles to be non-empty, as the server does', async () => {
    const { document } = await apiContract();
    const names = [
      'MeetingCreate/oneOf/0/properties/title',
      'MeetingPatch/properties/title',
      'RegisterRequest/properties/name',
      'RegisterRequest/properties/orgName',
      'UserPatch/properties/name',
      'OrgSettingsPatch/properties/orgName',
    ].map((path) => documentAt(document, `/components/schemas/${path}`));
    for (const name of names) expect(name).toMatchObject({ minLength: 1, maxLength: expect.any(Number) });
    const untitled = { schedulingType: 'instant', title: '' };
    await expectError(await call('POST', '/api/meetings', { token: owner.token, body: untitled }), 400);
    await expectError(await call('PATCH', '/api/org/settings', { token: owner.token, body: { orgName: '' } }), 400);
  });

  it('says when RegisterRequest.orgSlug is required', async () => {
    const { document } = await apiContract();
    expect(documentAt(document, '/components/schemas/RegisterRequest/properties/orgSlug/description')).toMatch(
      /required when the deployment hosts several organisations/,
    );
  });

  it('names its server and the security of every operation', async () => {
    const { document } = await apiContract();
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    for (const { method, path, access, operation } of (await apiOperations()).operations) {
      const expected = path.startsWith('/agentsInternal/')
        ? [{ agentToken: [] }]
        : access === 'public'
          ? []
          : [{ bearerAuth: [] }];
      expect(operation.security, `${method} ${path}`).toEqual(expected);
    }
  });

  it('names every operation with a unique camelCase operationId, which generated clients use as method names', async () => {
    const { operations } = await apiOperations();
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const [index, id] of ids.entries()) {
      expect(id, `${operations[index]!.method} ${operations[index]!.path}`).toMatch(/^[a-z][A-Za-z]+$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.find((route) => route.path === '/api/meetings/{meetingId}/join')?.operation.operationId).toBe(
      'joinMeeting',
    );
  });

  it('writes no named schema or null in a form null cannot match', async () => {
    // zod-to-openapi writes `Named.nullable()` as allOf [$ref, {type: [object, null]}]; fields.ts nullableNamed avoids it.
    const text = JSON.stringify((await apiContract()).document);
    expect(text).not.toMatch(/"allOf":\[\{"\$ref":"[^"]+"\},\{"type":\["object","null"\]/);
  });

  it('has no pattern carrying a regex literal’s flags', async () => {
    const patterns = JSON.stringify((await apiContract()).document).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) expect(pattern).not.toMatch(/\/[dgimsuvy]+"$/);
  });
});
