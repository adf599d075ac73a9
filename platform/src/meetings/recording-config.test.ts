import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors';
import { compositeRecording, type RecordingSettings } from './recording-config';

/** The start-recording body built from org settings: pure, so what RTK never echoes back (secrets) is checked here. */
const defaults: RecordingSettings = {
  recordingCodec: 'H264',
  watermarkEnabled: false,
  watermarkImageUrl: null,
  watermarkPosition: 'right bottom',
  watermarkWidth: 120,
  watermarkHeight: 40,
  recordingStorageProvider: 'r2',
  recordingStorageConfig: null,
  maxMeetingDurationMinutes: 90,
};
const base = { storageSecret: null, appBaseUrl: 'https://meet.example.com' };

describe('compositeRecording', () => {
  it('records to RTK’s bucket with the org’s codec by default, no longer than a meeting may last', () => {
    expect(compositeRecording('rtk-1', defaults, base)).toEqual({
      body: {
        meeting_id: 'rtk-1',
        max_seconds: 5400,
        video_config: { codec: 'H264' },
        realtimekit_bucket_config: { enabled: true },
      },
      hasWatermark: false,
      storageLocation: 'rtk',
    });
  });

  it('adds the watermark with an absolute image URL, and leaves it out when RTK could not fetch the image', () => {
    const settings = {
      ...defaults,
      watermarkEnabled: true,
      watermarkImageUrl: '/api/org/branding/org1/mark.png',
      watermarkPosition: 'left top' as const,
    };
    const { body, hasWatermark } = compositeRecording('rtk-1', settings, base);
    expect(hasWatermark).toBe(true);
    expect(body.video_config?.watermark).toEqual({
      url: 'https://meet.example.com/api/org/branding/org1/mark.png',
      position: 'left top',
      size: { width: 120, height: 40 },
    });
    expect(compositeRecording('rtk-1', settings, { ...base, appBaseUrl: undefined }).hasWatermark).toBe(false);
    expect(compositeRecording('rtk-1', { ...settings, watermarkImageUrl: null }, base).hasWatermark).toBe(false);
  });

  it('sends an external bucket with its decrypted secret instead of RTK’s bucket', () => {
    const settings: RecordingSettings = {
      ...defaults,
      recordingStorageProvider: 'digitalocean',
      recordingStorageConfig: {
        bucket: 'recs',
        region: 'ams3',
        endpoint: 'https://ams3.digitaloceanspaces.com',
        path: 'castio',
        accessKeyId: 'DO00KEY',
        hasSecret: true,
      },
    };
    const { body, storageLocation } = compositeRecording('rtk-1', settings, { ...base, storageSecret: 's3cr3t' });
    expect(storageLocation).toBe('digitalocean');
    expect(body.realtimekit_bucket_config).toEqual({ enabled: false });
    expect(body.storage_config).toEqual({
      type: 'digitalocean',
      bucket: 'recs',
      region: 'ams3',
      path: 'castio',
      host: 'ams3.digitaloceanspaces.com',
      access_key: 'DO00KEY',
      secret: 's3cr3t',
    });
  });

  it('logs in to an SFTP server with a user name and password', () => {
    const settings: RecordingSettings = {
      ...defaults,
      recordingStorageProvider: 'sftp',
      recordingStorageConfig: {
        bucket: 'uploads',
        endpoint: 'https://files.example.com:2222',
        accessKeyId: 'castio',
        hasSecret: true,
      },
    };
    expect(compositeRecording('rtk-1', settings, { ...base, storageSecret: 'pw' }).body.storage_config).toMatchObject({
      type: 'sftp',
      host: 'files.example.com',
      port: 2222,
      username: 'castio',
      password: 'pw',
      auth_method: 'PASSWORD',
    });
  });

  it('refuses an external provider without a bucket', () => {
    const settings = { ...defaults, recordingStorageProvider: 'aws' as const };
    expect(() => compositeRecording('rtk-1', settings, base)).toThrow(ApiError);
    expect(() => compositeRecording('rtk-1', settings, base)).toThrow(/no bucket is configured/);
  });
});
