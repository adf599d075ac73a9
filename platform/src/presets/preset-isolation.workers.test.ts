import { beforeAll, describe, expect, it } from 'vitest';
import { listAllPresets, PRESET_NAMES, presetDefinitions } from '@castio/shared/presets';
import type { RtkPresetBody } from '@castio/shared/presets';
import type { RtkPreset } from '@castio/shared/rtk';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from '../../test/helpers';
import type { UploadedBranding } from '../../test/api-types';
import type { Env } from '../env';
import { connect } from '../meetings/host-controls.testkit';
import { isolatedRtkEnv } from '../meetings/meetings.testkit';

/**
 * Two orgs of one deployment, sharing its RTK app (one of the local cloud's, for this file alone). The first org
 * created here is the deployment's first and keeps RTK's plain names; the second has names of its own.
 */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const BASE_URL = 'https://meet.example';

let world: Awaited<ReturnType<typeof isolatedRtkEnv>>;
let env: Env;
let a: Session;
let b: Session;
beforeAll(async () => {
  world = await isolatedRtkEnv('preset-isolation');
  env = { ...world.env, APP_BASE_URL: BASE_URL };
  a = await createOrg('presetsa');
  b = await createOrg('presetsb');
  for (const owner of [a, b]) expect((await as(owner, 'POST', '/api/presets/provision', {})).status).toBe(200);
});

const as = (session: Session, method: string, path: string, body?: unknown) =>
  call(method, path, { token: session.token, env, ...(body === undefined ? {} : { body }) });

interface Listed {
  id: string;
  name: string;
  builtIn: boolean;
}
const listOf = async (session: Session): Promise<Listed[]> =>
  (await jsonOf<'GET /api/presets'>(await as(session, 'GET', '/api/presets'))).items;
const idIn = (items: Listed[], name: string) => items.find((item) => item.name === name)!.id;
const customBody = (name: string): RtkPresetBody => ({
  ...presetDefinitions().find((preset) => preset.name === 'video_participant')!,
  name,
});
async function createCustom(session: Session, name: string) {
  const response = await as(session, 'POST', '/api/presets', customBody(name));
  const preset = await jsonOf<'POST /api/presets'>(response);
  expect(response.status, JSON.stringify(preset)).toBe(201);
  return preset as Listed;
}
/** Every preset of the RTK app as RTK holds it, by id. */
async function rtkPresets(): Promise<Map<string, RtkPreset>> {
  const all = await listAllPresets(world.rtk);
  return new Map(await Promise.all(all.map(async (p) => [p.id, await world.rtk.presets.get(p.id)] as const)));
}
/** The value at `path` inside a preset's free-form `ui` object, or undefined. */
const uiAt = (preset: RtkPreset, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    preset.ui,
  );
const brandOf = (preset: RtkPreset) => uiAt(preset, 'design_tokens', 'colors', 'brand', '500');
const logoOf = (preset: RtkPreset) => uiAt(preset, 'design_tokens', 'logo');

describe('presets of two orgs on one deployment', () => {
  it('answers 404 for every preset route given another org’s preset, built-in or custom, and changes nothing', async () => {
    const aCustom = await createCustom(a, 'a-custom');
    const bCustom = await createCustom(b, 'b-custom');
    const [aList, bList] = await Promise.all([listOf(a), listOf(b)]);
    const aIds = [aCustom.id, idIn(aList, 'video_host')];
    const bIds = [bCustom.id, idIn(bList, 'video_host')];
    const before = await rtkPresets();

    for (const [session, othersIds, ownList] of [
      [b, aIds, bList],
      [a, bIds, aList],
    ] as const) {
      const listedIds = ownList.map((item) => item.id);
      for (const id of othersIds) {
        expect(listedIds).not.toContain(id);
        await expectError(await as(session, 'GET', `/api/presets/${id}`), 404, 'not_found');
        await expectError(await as(session, 'PATCH', `/api/presets/${id}`, { name: 'taken-over' }), 404, 'not_found');
        await expectError(await as(session, 'POST', `/api/presets/${id}/clone`, { name: 'copied' }), 404, 'not_found');
        await expectError(await as(session, 'DELETE', `/api/presets/${id}`), 404, 'not_found');
      }
    }
    // Each org lists its own 13 built-ins by their plain names, and its own custom preset.
    for (const [list, custom] of [
      [aList, 'a-custom'],
      [bList, 'b-custom'],
    ] as const) {
      expect(
        list
          .filter((item) => item.builtIn)
          .map((item) => item.name)
          .sort(),
      ).toEqual([...PRESET_NAMES].sort());
      expect(list.filter((item) => !item.builtIn && item.name.endsWith('-custom')).map((item) => item.name)).toEqual([
        custom,
      ]);
    }
    expect(await rtkPresets()).toEqual(before);
  });

  it('holds the first org’s presets under RTK’s plain names and the second org’s under org-<id>-', async () => {
    const names = (await listAllPresets(world.rtk)).map((preset) => preset.name);
    for (const name of PRESET_NAMES) {
      expect(names.filter((n) => n === name)).toHaveLength(1);
      expect(names.filter((n) => n === `org-${b.org.id}-${name}`)).toHaveLength(1);
    }
  });

  it('lets each org use any name the other uses, and neither a name in another org’s space', async () => {
    const [ownA, ownB] = [await createCustom(a, 'standup'), await createCustom(b, 'standup')];
    expect(ownA.id).not.toBe(ownB.id);
    await expectError(await as(b, 'POST', '/api/presets', customBody('standup')), 409, 'preset_name_taken');
    const bVideoGuest = idIn(await listOf(b), 'video_guest');
    await expectError(
      await as(b, 'POST', `/api/presets/${bVideoGuest}/clone`, { name: 'standup' }),
      409,
      'preset_name_taken',
    );

    const reserved = [`org-${b.org.id}-video_host`, `org-${a.org.id.toLowerCase()}-x`];
    for (const [session, own] of [
      [a, ownA],
      [b, ownB],
    ] as const) {
      for (const name of reserved) {
        const refusal = await expectError(
          await as(session, 'POST', '/api/presets', customBody(name)),
          422,
          'reserved_preset_name',
        );
        expect(refusal.message).toContain(name);
        await expectError(
          await as(session, 'POST', `/api/presets/${own.id}/clone`, { name }),
          422,
          'reserved_preset_name',
        );
        await expectError(await as(session, 'PATCH', `/api/presets/${own.id}`, { name }), 422, 'reserved_preset_name');
      }
    }
    const names = (await listAllPresets(world.rtk)).map((preset) => preset.name);
    expect(names.filter((name) => name.endsWith('standup')).sort()).toEqual(
      ['standup', `org-${b.org.id}-standup`].sort(),
    );
    expect(names.filter((name) => name.endsWith('-x'))).toEqual([]);
  });

  it('brands each org’s meetings with its own colour and logo, with both saving and joining at once', async () => {
    const colours = new Map([
      [a, '#0F766E'],
      [b, '#7C3AED'],
    ]);
    const logos = new Map<Session, string>();
    await Promise.all(
      [a, b].map(async (owner) => {
        const saved = await as(owner, 'PATCH', '/api/org/settings', { brandColor: colours.get(owner) });
        expect(saved.status).toBe(200);
        const form = new FormData();
        form.set('kind', 'logo');
        form.set('file', new File([PNG], 'logo.png', { type: 'image/png' }));
        const logo = await json<UploadedBranding>(
          await call('POST', '/api/org/branding', { token: owner.token, rawBody: form, env }),
        );
        logos.set(owner, `${BASE_URL}${logo.url}`);
      }),
    );
    expect(logos.get(a)).not.toBe(logos.get(b));

    const meetings = await Promise.all(
      [a, b].map(async (owner) =>
        jsonOf<'POST /api/meetings'>(
          await as(owner, 'POST', '/api/meetings', { schedulingType: 'instant', title: 'Brand check' }),
        ),
      ),
    );
    const joins = await Promise.all(
      [a, b].map((owner, i) => as(owner, 'POST', `/api/meetings/${meetings[i]!.id}/join`)),
    );
    const presets = await rtkPresets();
    for (const [i, owner] of [a, b].entries()) {
      const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(joins[i]!);
      expect(joins[i]!.status, JSON.stringify(joined)).toBe(200);
      expect(joined.presetName).toBe('video_host');
      const participant = await world.rtk.participants.get(joined.rtkMeetingId, joined.rtkParticipantId);
      expect(participant.preset_name).toBe(owner === a ? 'video_host' : `org-${b.org.id}-video_host`);
      const preset = [...presets.values()].find((p) => p.name === participant.preset_name)!;
      expect(brandOf(preset), owner.org.name).toBe(colours.get(owner));
      expect(logoOf(preset), owner.org.name).toBe(logos.get(owner));
    }

    // B re-brands: all 13 of B's built-ins follow, none of A's.
    expect((await as(b, 'PATCH', '/api/org/settings', { brandColor: '#DC2626' })).status).toBe(200);
    const [aList, bList] = await Promise.all([listOf(a), listOf(b)]);
    const after = await rtkPresets();
    for (const [list, colour] of [
      [aList, colours.get(a)],
      [bList, '#DC2626'],
    ] as const) {
      const builtIns = list.filter((item) => item.builtIn);
      expect(builtIns).toHaveLength(13);
      for (const item of builtIns) expect(brandOf(after.get(item.id)!), item.name).toBe(colour);
    }
  });

  it('changes a second-org participant’s preset to the org’s own, shown by its plain name', async () => {
    const member = await addMember(b, 'member', 'bmember');
    const meeting = await jsonOf<'POST /api/meetings'>(
      await as(b, 'POST', '/api/meetings', { schedulingType: 'instant', title: 'Promotion' }),
    );
    const joined = await jsonOf<'POST /api/meetings/{meetingId}/join'>(
      await call('POST', `/api/meetings/${meeting.id}/join`, { token: member.token, env }),
    );
    expect(joined.presetName).toBe('video_participant');
    await connect(joined.rtkParticipantId);
    const url = `/api/meetings/${meeting.id}/participants/${joined.rtkParticipantId}/preset`;

    const promoted = await json(await as(b, 'POST', url, { presetName: 'video_host' }));
    expect(promoted).toMatchObject({ presetFrom: 'video_participant', presetTo: 'video_host', change: 'promoted' });
    const participant = await world.rtk.participants.get(joined.rtkMeetingId, joined.rtkParticipantId);
    expect(participant.preset_name).toBe(`org-${b.org.id}-video_host`);
    const listed = await jsonOf<'GET /api/meetings/{meetingId}/participants'>(
      await as(b, 'GET', `/api/meetings/${meeting.id}/participants`),
    );
    expect(listed.items).toMatchObject([{ participantId: joined.rtkParticipantId, presetName: 'video_host' }]);
    const same = await json(await as(b, 'POST', url, { presetName: 'video_host' }));
    expect(same).toMatchObject({ presetFrom: 'video_host', change: 'unchanged' });
  });
});
