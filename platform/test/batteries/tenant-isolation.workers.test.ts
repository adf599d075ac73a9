import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetDefinitions } from '@castio/shared/presets';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from '../helpers';
import type { UploadedBranding } from '../api-types';
import { type ApiOperation, apiOperations, fillPath } from '../openapi-routes';
import { type LocalRtk, localRtk, personOf } from '../../src/webhooks/local-rtk.testkit';

const CANARY = 'CANARY-B-7f3a';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

interface Tenant {
  owner: Session;
  member: Session;
  inviteId: string;
  logoFile: string;
  presetId: string;
}

async function tenant(label: string, canary = ''): Promise<Tenant> {
  const owner = await createOrg(label);
  const member = await addMember(owner, 'member', `${label}member`);
  await call('PATCH', `/api/users/${member.user.id}`, { token: member.token, body: { name: `Member ${canary}` } });
  await call('PATCH', '/api/org/settings', { token: owner.token, body: { orgName: `Org ${canary || label}` } });
  const invite = await jsonOf<'POST /api/users/invites'>(
    await call('POST', '/api/users/invites', {
      token: owner.token,
      body: { email: `pending-${canary || label}@x.example`.toLowerCase() },
    }),
  );
  const form = new FormData();
  form.set('kind', 'logo');
  form.set('file', new File([PNG], 'logo.png', { type: 'image/png' }));
  const logo = await json<UploadedBranding>(
    await call('POST', '/api/org/branding', { token: owner.token, rawBody: form }),
  );
  const videoParticipant = presetDefinitions().find((preset) => preset.name === 'video_participant')!;
  const preset = await call('POST', '/api/presets', {
    token: owner.token,
    body: { ...videoParticipant, name: `preset-${canary || label}` },
  });
  expect(preset.status).toBe(201);
  const presetId = (await jsonOf<'POST /api/presets'>(preset)).id;
  return { owner, member, inviteId: invite.invite.id, logoFile: logo.url.split('/').pop()!, presetId };
}

/** A body each route takes, so that its answer is about the id alone. */
function validBody(route: ApiOperation) {
  if (!route.operation.requestBody?.content?.['application/json']) return undefined;
  if (route.path.includes('{presetId}')) return { name: 'Hijacked' };
  return route.method === 'PATCH' ? { role: 'admin' } : { name: 'Hijacked', role: 'admin' };
}

let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  a = await tenant('tenanta');
  b = await tenant('tenantb', CANARY);
});

describe('tenant isolation', () => {
  it('answers 404 for every route given another org’s ids, and changes nothing there', async () => {
    const { operations } = await apiOperations();
    const withIds = operations.filter((route) => /\{(userId|inviteId|fileName|presetId)\}/.test(route.path));
    expect(withIds.length).toBeGreaterThanOrEqual(9);
    for (const route of withIds) {
      const url = fillPath(route.path, {
        userId: b.member.user.id,
        inviteId: b.inviteId,
        orgId: a.owner.org.id,
        fileName: b.logoFile,
        presetId: b.presetId,
      });
      const response = await call(route.method, url, { token: a.owner.token, body: validBody(route) });
      await expectError(response, 404);
    }
    const member = await env.DB.prepare('SELECT role, is_active, name FROM users WHERE id = ?')
      .bind(b.member.user.id)
      .first();
    expect(member).toEqual({ role: 'member', is_active: 1, name: `Member ${CANARY}` });
    const invite = await env.DB.prepare('SELECT revoked_at FROM org_invites WHERE id = ?').bind(b.inviteId).first();
    expect(invite).toEqual({ revoked_at: null });
    const preset = await jsonOf<'GET /api/presets/{presetId}'>(
      await call('GET', `/api/presets/${b.presetId}`, { token: b.owner.token }),
    );
    expect(preset).toMatchObject({ id: b.presetId, name: `preset-${CANARY}` });
  });

  it('never shows org B’s data in any org A response', async () => {
    const { operations } = await apiOperations();
    const reads = operations.filter(
      (route) => route.method === 'GET' && !route.path.includes('{fileName}') && route.path !== '/api/docs',
    );
    for (const token of [a.owner.token, a.member.token]) {
      for (const route of reads) {
        const url = fillPath(route.path, { userId: a.member.user.id, orgId: a.owner.org.id });
        const text = await (await call('GET', url, { token })).text();
        expect(text, `GET ${url}`).not.toContain(CANARY);
        expect(text).not.toContain(b.member.user.id);
      }
    }
    const search = await call('GET', `/api/users?q=${encodeURIComponent(CANARY)}`, { token: a.owner.token });
    expect((await jsonOf<'GET /api/users'>(search)).items).toEqual([]);
  });

  it('cannot use org B’s invitation to join org A or vice versa through its own token', async () => {
    const list = await jsonOf<'GET /api/users/invites'>(
      await call('GET', '/api/users/invites', { token: a.owner.token }),
    );
    expect(list.items.map((invite: { id: string }) => invite.id)).not.toContain(b.inviteId);
  });
});

/**
 * Tenant isolation for the post-meeting, analytics, diagnostics and agent routes, generated from the OpenAPI
 * document: every route taking orgA meeting, session, delivery or export id answers 404 to another org, changes
 * nothing there, and no response to org A ever contains org B's data.
 */
describe('tenant isolation of post-meeting, analytics, diagnostics and agents', () => {
  const MEETING_CANARY = 'CANARY-PM-5d1e';
  let rtk: LocalRtk;
  let orgA: Session;
  let orgB: Session;
  let ids: Record<string, string>;

  beforeAll(async () => {
    rtk = await localRtk('isolation');
    orgA = await createOrg('isoa');
    orgB = await createOrg('isob');
    await rtk.meeting(orgA, { title: 'A meeting' });
    const meeting = await rtk.meeting(orgB, { title: `Board ${MEETING_CANARY}` });
    const { truth, deliveries } = await rtk.play(meeting, {
      participantIds: [
        await rtk.participant(meeting, personOf(orgB)),
        await rtk.participant(meeting, { name: `Guest ${MEETING_CANARY}`, customParticipantId: 'guest:canary' }),
      ],
      record: true,
      seed: 11,
    });
    for (const delivery of deliveries) await rtk.deliver(delivery);
    const session = await env.DB.prepare('SELECT id FROM sessions WHERE rtk_session_id = ?')
      .bind(truth.sessionId)
      .first<{ id: string }>();
    const delivery = await env.DB.prepare('SELECT id FROM diagnostic_webhook_deliveries WHERE org_id = ? LIMIT 1')
      .bind(orgB.org.id)
      .first<{ id: string }>();
    const exported = await jsonOf<'POST /api/analytics/exports'>(
      await call('POST', '/api/analytics/exports', { token: orgB.token, body: { report: 'meetings' } }),
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

  describe('the routes of one meeting', () => {
    it('answers 404 for every route given another org’s ids', async () => {
      const { operations } = await apiOperations();
      // Public routes (guest join by link) are reachable by anyone holding the link, whatever their org.
      const routes = operations.filter(
        (route) => route.access !== 'public' && /\{(meetingId|sessionId|deliveryId|exportId)\}/.test(route.path),
      );
      expect(routes.length).toBeGreaterThanOrEqual(10);
      const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE org_id = ?')
        .bind(orgB.org.id)
        .first();
      for (const route of routes) {
        const hasBody = Boolean(route.operation.requestBody?.content?.['application/json']);
        const response = await call(route.method, fillPath(route.path, ids), {
          token: orgA.token,
          env: rtk.env,
          ...(hasBody ? { body: VALID_BODIES[`${route.method} ${route.path}`] ?? {} } : {}),
        });
        await expectError(response, 404);
      }
      // Nothing happened at RTK either: no new summary, no ended session, no webhook of any kind.
      expect(await rtk.collect()).toEqual([]);
      expect(
        await env.DB.prepare('SELECT COUNT(*) AS n FROM sessions WHERE org_id = ?').bind(orgB.org.id).first(),
      ).toEqual(before);
    });

    it('never shows org B’s data in org A’s responses', async () => {
      const { operations } = await apiOperations();
      const reads = operations.filter(
        (route) =>
          route.method === 'GET' && /^\/api\/(meetings\/\{meetingId\}\/|analytics|diagnostics|agents)/.test(route.path),
      );
      // The canary is really there: org B sees it.
      const own = await call('GET', fillPath('/api/meetings/{meetingId}/sessions/{sessionId}', ids), {
        token: orgB.token,
      });
      expect(await own.text()).toContain(MEETING_CANARY);
      for (const route of reads) {
        const response = await call('GET', fillPath(route.path, ids), { token: orgA.token, env: rtk.env });
        const text = await response.text();
        expect(text, route.path).not.toContain(MEETING_CANARY);
        expect(text, route.path).not.toContain(ids.sessionId);
      }
    });
  });
});
