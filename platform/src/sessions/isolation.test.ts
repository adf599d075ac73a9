import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, createOrg, expectError, json, type Session } from '../../test/helpers';
import { apiOperations, fillPath } from '../../test/openapi-routes';
import { deliver, FakeRtk, insertMeeting } from '../webhooks/fake-rtk.testkit';
import { buildScenario } from '../webhooks/scenario.testkit';

/**
 * Tenant isolation for the post-meeting, analytics, diagnostics and agent routes, generated from the OpenAPI
 * document: every route taking a meeting, session, delivery or export id answers 404 to another org, changes
 * nothing there, and no response to org A ever contains org B's data.
 */
const CANARY = 'CANARY-PM-5d1e';
let fake: FakeRtk;
let a: Session;
let b: Session;
let ids: Record<string, string>;

beforeAll(async () => {
  fake = await FakeRtk.start();
  a = await createOrg('isoa');
  b = await createOrg('isob');
  await insertMeeting(a, { title: 'A meeting' });
  const meeting = await insertMeeting(b, { title: `Board ${CANARY}` });
  const scenario = buildScenario(fake, { rtkMeetingId: meeting.rtkMeetingId, users: [b.user], guests: 1, seed: 11 });
  for (const event of scenario.events)
    await deliver(fake, JSON.parse(JSON.stringify(event.payload).replaceAll('Guest 0', `Guest ${CANARY}`)));
  const session = await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?')
    .bind(scenario.rtkSessionId)
    .first<any>();
  const delivery = await env.DB.prepare('SELECT id FROM diagnostic_webhook_deliveries WHERE org_id = ? LIMIT 1')
    .bind(b.org.id)
    .first<any>();
  const exported = await json(
    await call('POST', '/api/analytics/exports', { token: b.token, body: { report: 'meetings' } }),
  );
  ids = { meetingId: meeting.id, sessionId: session.id, deliveryId: delivery.id, exportId: exported.id };
});
afterAll(() => vi.restoreAllMocks());

/** Bodies that pass validation, for the routes that refuse `{}`: the org check must be what answers. */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/meetings/{meetingId}': { title: 'Renamed' },
  'PATCH /api/meetings/{meetingId}/occurrences/{occurrenceId}': { title: 'Renamed' },
  'POST /api/meetings/{meetingId}/invites': { emails: ['someone@example.com'] },
  'PUT /api/meetings/{meetingId}/invites/me': { rsvpStatus: 'accepted' },
  'POST /api/meetings/{meetingId}/participants/{participantId}/preset': { presetName: 'video_host' },
};

describe('tenant isolation of post-meeting, analytics, diagnostics and agents', () => {
  it('answers 404 for every route given another org’s ids', async () => {
    const { operations } = await apiOperations();
    // Public routes (guest join by link) are reachable by anyone holding the link, whatever their org.
    const routes = operations.filter(
      (route) => route.access !== 'public' && /\{(meetingId|sessionId|deliveryId|exportId)\}/.test(route.path),
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE org_id = ?').bind(b.org.id).first();
    for (const route of routes) {
      const hasBody = Boolean(route.operation.requestBody?.content?.['application/json']);
      const response = await call(route.method, fillPath(route.path, ids), {
        token: a.token,
        env: fake.env(),
        ...(hasBody ? { body: VALID_BODIES[`${route.method} ${route.path}`] ?? {} } : {}),
      });
      await expectError(response, 404);
    }
    expect(fake.summaryRequests).toEqual([]);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE org_id = ?').bind(b.org.id).first()).toEqual(
      before,
    );
  });

  it('never shows org B’s data in org A’s responses', async () => {
    const { operations } = await apiOperations();
    const reads = operations.filter(
      (route) =>
        route.method === 'GET' && /^\/api\/(meetings\/\{meetingId\}\/|analytics|diagnostics|agents)/.test(route.path),
    );
    // The canary is really there: org B sees it.
    const own = await call('GET', fillPath('/api/meetings/{meetingId}/sessions/{sessionId}', ids), { token: b.token });
    expect(await own.text()).toContain(CANARY);
    for (const route of reads) {
      const response = await call('GET', fillPath(route.path, ids), { token: a.token, env: fake.env() });
      const text = await response.text();
      expect(text, route.path).not.toContain(CANARY);
      expect(text, route.path).not.toContain(ids.sessionId);
    }
  });
});
