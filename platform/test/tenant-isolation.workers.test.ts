import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetDefinitions } from '@castio/shared/presets';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from './helpers';
import type { UploadedBranding } from './api-types';
import { type ApiOperation, apiOperations, fillPath } from './openapi-routes';

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
