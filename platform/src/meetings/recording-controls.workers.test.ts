import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, json, jsonOf, multiOrgEnv } from '../../test/helpers';
import type { UploadedBranding } from '../../test/api-types';
import { hostControlsWorld } from './host-controls.testkit';

/**
 * Recording and livestreaming from the host controls, against the local cloud's RealtimeKit: the org's codec,
 * watermark and storage reach RTK's recording, one recording at a time, and a livestream's ingest and playback.
 */
const APP_BASE_URL = 'https://meet.example.com';
const STORAGE_SECRET = 'CANARY-STORAGE-SECRET-3b7e';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

let world: Awaited<ReturnType<typeof hostControlsWorld>>;
let watermarkPath: string;

beforeAll(async () => {
  world = await hostControlsWorld('recording-controls', { APP_BASE_URL });
  const form = new FormData();
  form.set('kind', 'watermark');
  form.set('file', new File([PNG], 'mark.png', { type: 'image/png' }));
  const upload = await json<UploadedBranding>(
    await call('POST', '/api/org/branding', { token: world.owner.token, rawBody: form }),
  );
  watermarkPath = upload.url;
  await changeSettings({
    recordingCodec: 'VP8',
    watermarkEnabled: true,
    watermarkPosition: 'left top',
    watermarkWidth: 200,
    watermarkHeight: 50,
  });
});

async function changeSettings(body: Record<string, unknown>) {
  const response = await world.request(world.owner, 'PATCH', '/api/org/settings', body);
  expect(response.status, await response.clone().text()).toBe(200);
}

const recordingRow = (rtkRecordingId: string) =>
  multiOrgEnv.DB.prepare('SELECT * FROM recordings WHERE rtk_recording_id = ?')
    .bind(rtkRecordingId)
    .first<Record<string, unknown>>();

/** A running meeting with its host connected: RTK records live sessions only. */
async function roomWithHost(title: string, settings: Record<string, unknown> = {}) {
  const meeting = await world.createMeeting(world.host, { schedulingType: 'instant', title, ...settings });
  await world.joinAndConnect(world.host, meeting.id);
  const control = (action: string, session = world.host, body?: unknown) =>
    world.request(session, 'POST', `/api/meetings/${meeting.id}/${action}`, body);
  return { meeting, control };
}

describe('recording', () => {
  it('needs someone connected to record', async () => {
    const meeting = await world.createMeeting(world.host, { schedulingType: 'instant', title: 'Empty stage' });
    const start = await world.request(world.host, 'POST', `/api/meetings/${meeting.id}/recording/start`);
    await expectError(start, 409, 'nobody_in_meeting');
  });

  it('starts with the org’s codec and watermark, refuses a second start, stops', async () => {
    const { meeting, control } = await roomWithHost('Recorded');
    const started = await jsonOf<'POST /api/meetings/{meetingId}/recording/start'>(await control('recording/start'));
    expect(started).toMatchObject({
      recordingType: 'composite',
      status: 'invoked',
      codec: 'VP8',
      hasWatermark: true,
      storageLocation: 'rtk',
    });
    const inRtk = await world.rtk.recordings.get(started.rtkRecordingId);
    expect(inRtk).toMatchObject({
      meeting_id: expect.any(String),
      video_config: {
        codec: 'VP8',
        watermark: {
          url: `${APP_BASE_URL}${watermarkPath}`,
          position: 'left top',
          size: { width: 200, height: 50 },
        },
      },
      realtimekit_bucket_config: { enabled: true },
      storage_config: null,
    });
    expect(await recordingRow(started.rtkRecordingId)).toMatchObject({
      id: started.id,
      meeting_id: meeting.id,
      recording_type: 'composite',
      codec: 'VP8',
      has_watermark: 1,
      storage_location: 'rtk',
      started_by: world.host.user.id,
    });

    await expectError(await control('recording/start'), 409, 'already_recording');
    await expectError(await control('recording/start', world.member), 403);
    await expectError(await control('recording/start', world.otherHost), 403);

    const stopped = await jsonOf<'POST /api/meetings/{meetingId}/recording/stop'>(
      await control('recording/stop', world.admin),
    );
    expect(stopped).toMatchObject({ id: started.id, rtkRecordingId: started.rtkRecordingId, status: 'uploading' });
    expect(['UPLOADING', 'UPLOADED']).toContain((await world.rtk.recordings.get(started.rtkRecordingId)).status);
    expect(await recordingRow(started.rtkRecordingId)).toMatchObject({
      status: 'uploading',
      ended_at: expect.any(String),
    });
    await expectError(await control('recording/stop'), 409, 'not_recording');
  });

  it('records per track', async () => {
    const { control } = await roomWithHost('Podcast');
    const started = await jsonOf<'POST /api/meetings/{meetingId}/recording/start'>(
      await control('recording/start', world.owner, { perTrack: true }),
    );
    expect(started).toMatchObject({ recordingType: 'track', codec: null, hasWatermark: false });
    expect(await world.rtk.recordings.get(started.rtkRecordingId)).toMatchObject({ type: 'track' });
    expect(await recordingRow(started.rtkRecordingId)).toMatchObject({
      recording_type: 'track',
      started_by: world.owner.user.id,
    });
    await expectError(await control('recording/start'), 409, 'already_recording');
    expect((await control('recording/stop')).status).toBe(200);
  });

  it('uploads to the org’s own bucket with its decrypted secret, which never comes back', async () => {
    const { control } = await roomWithHost('Compliance');
    await changeSettings({
      recordingStorageProvider: 'aws',
      recordingStorageConfig: {
        bucket: 'castio-recordings',
        region: 'eu-west-1',
        path: 'meetings',
        accessKeyId: 'AKIAEXAMPLE',
        secret: STORAGE_SECRET,
      },
    });
    const response = await control('recording/start');
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).not.toContain(STORAGE_SECRET);
    const started = JSON.parse(text);
    expect(started.storageLocation).toBe('aws');
    // RTK keeps keys write-only, so its answer has the bucket but not the secret (the unit test checks we sent it).
    expect(await world.rtk.recordings.get(started.rtkRecordingId)).toMatchObject({
      storage_config: { type: 'aws', bucket: 'castio-recordings', region: 'eu-west-1', path: 'meetings' },
      realtimekit_bucket_config: { enabled: false },
    });
    expect(JSON.stringify(await recordingRow(started.rtkRecordingId))).not.toContain(STORAGE_SECRET);
    expect((await control('recording/stop')).status).toBe(200);

    await changeSettings({ recordingStorageProvider: 'azure', recordingStorageConfig: null });
    await expectError(await control('recording/start'), 422, 'storage_not_configured');
    await changeSettings({ recordingStorageProvider: 'r2' });
  });
});

describe('livestreaming', () => {
  it('is refused for a meeting that does not allow it', async () => {
    const meeting = await world.createMeeting(world.host, { schedulingType: 'instant', title: 'Private call' });
    const start = await world.request(world.host, 'POST', `/api/meetings/${meeting.id}/livestream/start`);
    await expectError(start, 422, 'livestream_disabled');
  });

  it('gives the host the ingest server, stream key and playback URL; stops', async () => {
    const { meeting, control } = await roomWithHost('Launch', { meetingType: 'webinar' });
    const status = () => world.request(world.host, 'GET', `/api/meetings/${meeting.id}/livestream`).then(json);
    expect(await status()).toEqual({ live: false, livestream: null });

    const stream = await jsonOf<'POST /api/meetings/{meetingId}/livestream/start'>(await control('livestream/start'));
    expect(stream).toMatchObject({
      rtkLivestreamId: expect.any(String),
      status: 'LIVE',
      ingestServer: expect.stringMatching(/^rtmps?:\/\//),
      streamKey: expect.any(String),
      playbackUrl: expect.any(String),
    });
    expect(await status()).toEqual({ live: true, livestream: stream });
    await expectError(await control('livestream/start'), 409, 'already_livestreaming');
    const row = await multiOrgEnv.DB.prepare('SELECT * FROM livestreams WHERE rtk_livestream_id = ?')
      .bind(stream.rtkLivestreamId)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      meeting_id: meeting.id,
      rtmp_url: stream.ingestServer,
      started_by: world.host.user.id,
    });
    // The stream key is a credential: RTK holds it, we do not.
    expect(JSON.stringify(row)).not.toContain(stream.streamKey);

    expect(await jsonOf<'POST /api/meetings/{meetingId}/livestream/stop'>(await control('livestream/stop'))).toEqual({
      live: false,
      livestream: null,
    });
    expect(await status()).toEqual({ live: false, livestream: null });
    await expectError(await control('livestream/stop'), 409, 'not_livestreaming');
    const stopped = await multiOrgEnv.DB.prepare('SELECT status, ended_at FROM livestreams WHERE rtk_livestream_id = ?')
      .bind(stream.rtkLivestreamId)
      .first();
    expect(stopped).toMatchObject({ status: 'IDLE', ended_at: expect.any(String) });
  });

  it('works for a video meeting with livestreaming switched on', async () => {
    const { control } = await roomWithHost('Town hall', { livestreamEnabled: true });
    expect((await control('livestream/start', world.admin)).status).toBe(200);
    expect((await control('livestream/stop', world.owner)).status).toBe(200);
  });
});
