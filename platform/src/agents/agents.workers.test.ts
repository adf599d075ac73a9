import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from '../../test/helpers';
import { type LocalRtk, localRtk } from '../webhooks/local-rtk.testkit';

let rtk: LocalRtk;
let owner: Session;
let host: Session;
let otherHost: Session;
let outsider: Session;
let meeting: { id: string };
let second: { id: string };

beforeAll(async () => {
  rtk = await localRtk('agents');
  owner = await createOrg('agents');
  host = await addMember(owner, 'host');
  otherHost = await addMember(owner, 'host', 'otherhost');
  outsider = await createOrg('agentsother');
  meeting = await rtk.meeting(owner, { createdBy: host.user.id });
  second = await rtk.meeting(owner, { createdBy: host.user.id });
});

describe('Realtime Agents groundwork', () => {
  it('initialises the meeting’s agent object and forwards /agentsInternal with its token only', async () => {
    const init = await call('POST', `/api/agents/${meeting.id}/init`, { token: host.token, body: {} });
    expect(init.status).toBe(200);
    const agent = await jsonOf<'POST /api/agents/{meetingId}/init'>(init);
    expect(agent).toMatchObject({
      meetingId: meeting.id,
      status: 'initialised',
      internalPath: `/agentsInternal/${meeting.id}`,
    });
    const state = await call('GET', `${agent.internalPath}/state`, {
      headers: { authorization: `Bearer ${agent.internalToken}` },
    });
    expect(state.status).toBe(200);
    expect(await json(state)).toMatchObject({ meetingId: meeting.id, status: 'initialised' });
    expect((await call('GET', `${agent.internalPath}/state`)).status).toBe(401);
    const otherToken = (
      await jsonOf<'POST /api/agents/{meetingId}/init'>(
        await call('POST', `/api/agents/${second.id}/init`, { token: owner.token, body: {} }),
      )
    ).internalToken;
    expect(
      (await call('GET', `${agent.internalPath}/state`, { headers: { authorization: `Bearer ${otherToken}` } })).status,
    ).toBe(401);
    expect(
      (await call('GET', '/agentsInternal/not-a-meeting/state', { headers: { authorization: `Bearer ${otherToken}` } }))
        .status,
    ).toBe(401);
    // Only what the object serves is routed: any other internal path is an unknown route, whatever the token.
    const unknown = await call('GET', `${agent.internalPath}/pipeline`, {
      headers: { authorization: `Bearer ${agent.internalToken}` },
    });
    await expectError(unknown, 404, 'not_found');
    const deinit = await jsonOf<'POST /api/agents/{meetingId}/deinit'>(
      await call('POST', `/api/agents/${meeting.id}/deinit`, { token: host.token, body: {} }),
    );
    expect(deinit.status).toBe('stopped');
    const stopped = await call('GET', `${agent.internalPath}/state`, {
      headers: { authorization: `Bearer ${agent.internalToken}` },
    });
    expect(stopped.status).toBe(409);
  });

  it('refuses other hosts and members (403) and other orgs (404)', async () => {
    const refused = await expectError(
      await call('POST', `/api/agents/${meeting.id}/init`, { token: otherHost.token, body: {} }),
      403,
    );
    // The rule and wording of meetings/access.ts, as for every host control.
    expect(refused.message).toBe('Only the meeting’s host or an administrator can do this.');
    await expectError(await call('POST', `/api/agents/${meeting.id}/init`, { token: outsider.token, body: {} }), 404);
    await expectError(await call('POST', `/api/agents/${meeting.id}/deinit`, { token: outsider.token, body: {} }), 404);
  });
});
