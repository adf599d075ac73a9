import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from '../../test/helpers';
import type { UploadedBranding } from '../../test/api-types';
import { readStorageSecret } from './settings-service';

let owner: Session;
let other: Session;
beforeAll(async () => {
  owner = await createOrg('settings');
  other = await createOrg('othersettings');
});

describe('org settings', () => {
  it('returns every §12.3 setting with its default', async () => {
    const settings = await jsonOf<'GET /api/org/settings'>(
      await call('GET', '/api/org/settings', { token: owner.token }),
    );
    expect(settings).toMatchObject({
      orgSlug: owner.org.slug,
      theme: 'dark',
      brandColor: '#2563EB',
      borderRadius: 'rounded',
      defaultMeetingType: 'video',
      defaultGuestAccess: 'link_only',
      guestAccessGlobal: true,
      inviteOnlyRegistration: true,
      recordingStorageProvider: 'r2',
      maxConcurrentMeetings: 25,
      defaultMaxParticipants: 100,
      watermarkPosition: 'right bottom',
      customStrings: null,
    });
    expect(Object.keys(settings).length).toBeGreaterThanOrEqual(45);
  });

  it('saves only what changed and validates colours, enums and ranges', async () => {
    const patched = await jsonOf<'PATCH /api/org/settings'>(
      await call('PATCH', '/api/org/settings', {
        token: owner.token,
        body: {
          theme: 'light',
          brandColor: '#10b981',
          defaultMaxParticipants: 250,
          customStrings: { 'join.button': 'Enter' },
          defaultWaitingRoom: true,
        },
      }),
    );
    expect(patched).toMatchObject({
      theme: 'light',
      brandColor: '#10b981',
      defaultMaxParticipants: 250,
      defaultWaitingRoom: true,
      borderWidth: 'thin',
    });
    expect(patched.customStrings).toEqual({ 'join.button': 'Enter' });
    const invalid = [
      { brandColor: 'red' },
      { brandColor: '#12345' },
      { brandColor: 'url(javascript:alert(1))' },
      { theme: 'neon' },
      { defaultMaxParticipants: 1 },
      { defaultMaxParticipants: 1.5 },
      { maxMeetingDurationMinutes: 100000 },
      { watermarkPosition: 'middle' },
      { defaultLocale: 'english' },
      { fontFamily: 'x;}body{display:none' },
      {},
      { orgSlug: 'api' },
      { orgSlug: '-bad-' },
    ];
    for (const body of invalid)
      await expectError(
        await call('PATCH', '/api/org/settings', { token: owner.token, body }),
        400,
        'validation_failed',
      );
    const after = await jsonOf<'GET /api/org/settings'>(await call('GET', '/api/org/settings', { token: owner.token }));
    expect(after.brandColor).toBe('#10b981');
  });

  it('renames the org and refuses a slug another org holds', async () => {
    const renamed = await jsonOf<'PATCH /api/org/settings'>(
      await call('PATCH', '/api/org/settings', {
        token: owner.token,
        body: { orgName: 'Renamed Co', orgSlug: `renamed-${Date.now().toString(36)}` },
      }),
    );
    expect(renamed.orgName).toBe('Renamed Co');
    expect((await jsonOf<'GET /api/auth/me'>(await call('GET', '/api/auth/me', { token: owner.token }))).org.name).toBe(
      'Renamed Co',
    );
    await expectError(
      await call('PATCH', '/api/org/settings', { token: owner.token, body: { orgSlug: other.org.slug } }),
      409,
      'slug_taken',
    );
  });

  it('encrypts the recording storage secret and never returns it', async () => {
    const secret = 'CANARY-STORAGE-SECRET-91c2';
    const saved = await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: {
        recordingStorageProvider: 'aws',
        recordingStorageConfig: { bucket: 'recordings', region: 'eu-west-1', accessKeyId: 'AKIA1', secret },
      },
    });
    const text = await saved.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).recordingStorageConfig).toEqual({
      bucket: 'recordings',
      region: 'eu-west-1',
      accessKeyId: 'AKIA1',
      hasSecret: true,
    });
    const row = await env.DB.prepare('SELECT recording_storage_config AS config FROM org_settings WHERE org_id = ?')
      .bind(owner.org.id)
      .first<{ config: string }>();
    expect(row?.config).not.toContain(secret);
    expect(await readStorageSecret(env, owner.org.id)).toBe(secret);
    // Changing the bucket alone keeps the secret.
    await call('PATCH', '/api/org/settings', {
      token: owner.token,
      body: { recordingStorageConfig: { bucket: 'other' } },
    });
    expect(await readStorageSecret(env, owner.org.id)).toBe(secret);
  });

  it('shows members the branding but not the settings', async () => {
    const member = await addMember(owner, 'member');
    await expectError(await call('GET', '/api/org/settings', { token: member.token }), 403);
    const org = await jsonOf<'GET /api/org'>(await call('GET', '/api/org', { token: member.token }));
    expect(org.branding).toMatchObject({ theme: 'light', brandColor: '#10b981' });
  });
});

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1]);
const upload = (token: string, kind: string, bytes: Uint8Array, name = 'logo.png', type = 'image/png') => {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new File([bytes], name, { type }));
  return call('POST', '/api/org/branding', { token, rawBody: form });
};

describe('branding upload', () => {
  it('stores a sniffed image under a server-chosen key and serves it publicly', async () => {
    const response = await upload(owner.token, 'logo', PNG, '../../orgB/evil.svg', 'image/svg+xml');
    expect(response.status).toBe(201);
    const body = await json<UploadedBranding>(response);
    expect(body.url).toMatch(new RegExp(`^/api/org/branding/${owner.org.id}/[0-9A-Z]{26}\\.png$`));
    const listed = await env.R2_BRANDING.list({ prefix: `org/${owner.org.id}/branding/` });
    expect(listed.objects.map((object) => object.key)).toEqual([
      `org/${owner.org.id}/branding/${body.url.split('/').pop()}`,
    ]);

    const served = await call('GET', body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
    expect(
      (await jsonOf<'GET /api/org/settings'>(await call('GET', '/api/org/settings', { token: owner.token }))).logoUrl,
    ).toBe(body.url);
    await expectError(await call('GET', body.url.replace(owner.org.id, other.org.id)), 404);

    const replaced = await json<UploadedBranding>(await upload(owner.token, 'logo', PNG));
    expect((await env.R2_BRANDING.list({ prefix: `org/${owner.org.id}/branding/` })).objects).toHaveLength(1);
    expect(replaced.url).not.toBe(body.url);
  });

  it('refuses SVG, disguised files, wrong kinds, oversized files and members', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await expectError(await upload(owner.token, 'logo', svg, 'logo.png', 'image/png'), 415, 'unsupported_image');
    const ico = Uint8Array.from([0, 0, 1, 0, 1, 0, 16, 16]);
    await expectError(await upload(owner.token, 'logo', ico), 415);
    expect((await upload(owner.token, 'favicon', ico, 'favicon.ico', 'image/x-icon')).status).toBe(201);
    await expectError(await upload(owner.token, 'banner', PNG), 400, 'validation_failed');
    const big = new Uint8Array(300 * 1024);
    big.set(PNG);
    await expectError(await upload(owner.token, 'favicon', big), 413);
    await expectError(await upload(owner.token, 'logo', new Uint8Array(3 * 1024 * 1024)), 413);
    const member = await addMember(owner, 'member', 'uploader');
    await expectError(await upload(member.token, 'logo', PNG), 403);
    await expectError(
      await call('POST', '/api/org/branding', {
        token: owner.token,
        rawBody: '--x\r\nbroken',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      }),
      400,
    );
  });
});
