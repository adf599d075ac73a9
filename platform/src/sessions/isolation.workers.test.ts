import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, expectError, jsonOf, type Session } from '../../test/helpers';
import { apiOperations, fillPath } from '../../test/openapi-routes';
import { type LocalRtk, localRtk, personOf } from '../webhooks/local-rtk.testkit';

/**
 * Tenant isolation for the post-meeting, analytics, diagnostics and agent routes, generated from the OpenAPI
 * document: every route taking a meeting, session, delivery or export id answers 404 to another org, changes
 * nothing there, and no response to org A ever contains org B's data.
 */
const CANARY = 'CANARY-PM-5d1e';
let rtk: LocalRtk;
let a: Session;
let b: Session;
let ids: Record<string, string>;

beforeAll(async () => {
  rtk = await localRtk('isolation');
  a = await createOrg('isoa');
  b = await createOrg('isob');
  await rtk.meeting(a, { title: 'A meeting' });
  const meeting = await rtk.meeting(b, { title: `Board ${CANARY}` });
  const { truth, deliveries } = await rtk.play(meeting, {
    participantIds: [
      await rtk.participant(meeting, personOf(b)),
      await rtk.participant(meeting, { name: `Guest ${CANARY}`, customParticipantId: 'guest:canary' }),
    ],
    record: true,
    seed: 11,
  });
  for (const delivery of deliveries) await rtk.deliver(delivery);
  const session = await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?')
    .bind(truth.sessionId)
    .first<{ id: string }>();
  const delivery = await env.DB.prepare('SELECT id FROM diagnostic_webhook_deliveries WHERE org_id = ? LIMIT 1')
    .bind(b.org.id)
    .first<{ id: string }>();
  const exported = await jsonOf<'POST /api/analytics/exports'>(
    await call('POST', '/api/analytics/exports', { token: b.token, body: { report: 'meetings' } }),
  );
  ids = { meetingId: meeting.id, sessionId: session!.id, deliveryId: delivery!.id, exportId: exported.id };
});

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
        env: rtk.env,
        ...(hasBody ? { body: VALID_BODIES[`${route.method} ${route.path}`] ?? {} } : {}),
      });
      await expectError(response, 404);
    }
    // Nothing happened at RTK either: no new summary, no ended session, no webhook of any kind.
    expect(await rtk.collect()).toEqual([]);
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
      const response = await call('GET', fillPath(route.path, ids), { token: a.token, env: rtk.env });
      const text = await response.text();
      expect(text, route.path).not.toContain(CANARY);
      expect(text, route.path).not.toContain(ids.sessionId);
    }
  });
});
