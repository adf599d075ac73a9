import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { listAllPresets, PRESET_NAMES, presetDefinitions } from '@castio/shared/presets';
import { call, createOrg, json, jsonOf, type Session } from '../../test/helpers';
import { isolatedRtkEnv } from '../meetings/meetings.testkit';

/**
 * A deployment with two orgs from before migration 0003, when every org's meetings used the same plain preset
 * names in the deployment's RTK app. Nothing in this file looks up an org's preset names before the migration
 * is replayed, so what is read afterwards is what a freshly migrated deployment reads.
 */
const MIGRATION = '0003_org_preset_prefix.sql';
const backfill = env.TEST_MIGRATIONS.find((migration) => migration.name === MIGRATION)!.queries.filter((query) =>
  query.trim().startsWith('UPDATE'),
);

describe(`migration ${MIGRATION}`, () => {
  it('keeps the oldest org’s names and presets, and gives every other org 13 of its own', async () => {
    const world = await isolatedRtkEnv('preset-migration');
    const as = (session: Session, method: string, path: string, body?: unknown) =>
      call(method, path, { token: session.token, env: world.env, ...(body === undefined ? {} : { body }) });
    const oldest = await createOrg('legacy');
    const second = await createOrg('legacy-second');

    // The RTK app as Castio left it: the 13 built-ins and a custom preset, all under plain names.
    expect((await as(oldest, 'POST', '/api/presets/provision', {})).status).toBe(200);
    const custom = { ...presetDefinitions().find((preset) => preset.name === 'video_participant')!, name: 'standup' };
    expect((await as(oldest, 'POST', '/api/presets', custom)).status).toBe(201);
    // The second org had checked the same (plain, equally branded) presets, so its fingerprint says "current".
    const fingerprint = (orgId: string) => `presets:fingerprint:${world.appId}:${orgId}`;
    await env.KV_CACHE.put(fingerprint(second.org.id), (await env.KV_CACHE.get(fingerprint(oldest.org.id)))!);
    const before = await listAllPresets(world.rtk);

    // Right after the migration's ALTER TABLE every org's prefix is NULL; then its backfill runs.
    await env.DB.prepare('UPDATE organizations SET rtk_preset_prefix = NULL').run();
    expect(backfill).toHaveLength(1);
    for (const query of backfill) await env.DB.prepare(query).run();
    const prefixes = await env.DB.prepare('SELECT id, rtk_preset_prefix FROM organizations ORDER BY id').all();
    expect(prefixes.results).toEqual([
      { id: oldest.org.id, rtk_preset_prefix: '' },
      { id: second.org.id, rtk_preset_prefix: null },
    ]);

    // The oldest org still has every preset, by the same ids and names, and nothing to provision.
    const listed = (await jsonOf<'GET /api/presets'>(await as(oldest, 'GET', '/api/presets'))).items;
    expect(listed.map((item: { id: string; name: string }) => [item.id, item.name])).toEqual(
      before.map((preset) => [preset.id, preset.name]),
    );
    expect(await json(await as(oldest, 'POST', '/api/presets/provision', {}))).toMatchObject({
      created: [],
      updated: [],
    });

    // The second org's first join provisions its own 13 (despite its old fingerprint) and uses them.
    const joinAs = async (session: Session) => {
      const meeting = await jsonOf<'POST /api/meetings'>(
        await as(session, 'POST', '/api/meetings', { schedulingType: 'instant', title: 'x' }),
      );
      const response = await as(session, 'POST', `/api/meetings/${meeting.id}/join`);
      const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(response);
      expect(response.status, JSON.stringify(joined)).toBe(200);
      expect(joined.presetName).toBe('video_host');
      return (await world.rtk.participants.get(joined.rtkMeetingId, joined.rtkParticipantId)).preset_name;
    };
    expect(await joinAs(oldest)).toBe('video_host');
    expect(await joinAs(second)).toBe(`org-${second.org.id}-video_host`);
    const secondsOwn = (await jsonOf<'GET /api/presets'>(await as(second, 'GET', '/api/presets'))).items;
    expect(secondsOwn.map((item: { name: string }) => item.name).sort()).toEqual([...PRESET_NAMES].sort());

    // Nothing of the oldest org's was renamed or removed.
    const after = await listAllPresets(world.rtk);
    expect(after.filter((preset) => !preset.name.startsWith(`org-${second.org.id}-`))).toEqual(before);
  });
});
