import type { RtkRecordingStart, RtkStorageConfig, RtkVideoConfig } from '@castio/shared/rtk';
import { ApiError } from '../http/errors';
import type { OrgSettings } from '../org/settings-schema';

/** What RTK is told when a host starts a composite recording: the org's codec, watermark and storage (§7.9). */
export type RecordingSettings = Pick<
  OrgSettings,
  | 'recordingCodec'
  | 'watermarkEnabled'
  | 'watermarkImageUrl'
  | 'watermarkPosition'
  | 'watermarkWidth'
  | 'watermarkHeight'
  | 'recordingStorageProvider'
  | 'recordingStorageConfig'
  | 'maxMeetingDurationMinutes'
>;

export interface CompositeRecording {
  body: RtkRecordingStart;
  hasWatermark: boolean;
  /** `rtk` for RealtimeKit's bucket, else the external provider. */
  storageLocation: string;
}

function absoluteUrl(path: string, base: string): string | null {
  try {
    return new URL(path, base).href;
  } catch {
    return null;
  }
}

/**
 * The watermark (§11.4) when it is on and has an image. RTK fetches the image itself, so the path our upload route
 * stores must become absolute with the deployment's public URL; without one there is no watermark to give.
 */
function watermarkOf(settings: RecordingSettings, appBaseUrl: string | undefined): RtkVideoConfig['watermark'] {
  if (!settings.watermarkEnabled || !settings.watermarkImageUrl || !appBaseUrl) return undefined;
  const url = absoluteUrl(settings.watermarkImageUrl, appBaseUrl);
  if (!url) return undefined;
  return {
    url,
    position: settings.watermarkPosition,
    size: { width: settings.watermarkWidth, height: settings.watermarkHeight },
  };
}

/**
 * The org's external bucket in RTK's terms, with the secret decrypted for this one call (RTK keeps it write-only);
 * `r2`, the default, means RealtimeKit's own bucket and no storage config.
 */
function externalStorageOf(settings: RecordingSettings, secret: string | null): RtkStorageConfig | undefined {
  const provider = settings.recordingStorageProvider;
  if (provider === 'r2') return undefined;
  const config = settings.recordingStorageConfig;
  if (!config)
    throw new ApiError(
      'storage_not_configured',
      `Recordings are set to go to ${provider}, but no bucket is configured for it. An administrator can set one in the organisation’s storage settings.`,
    );
  const endpoint = config.endpoint ? new URL(config.endpoint) : null;
  const location = { type: provider, bucket: config.bucket, region: config.region, path: config.path };
  if (provider === 'sftp')
    return {
      ...location,
      host: endpoint?.hostname,
      port: endpoint?.port ? Number(endpoint.port) : undefined,
      username: config.accessKeyId,
      password: secret ?? undefined,
      auth_method: 'PASSWORD',
    };
  return { ...location, host: endpoint?.host, access_key: config.accessKeyId, secret: secret ?? undefined };
}

export function compositeRecording(
  rtkMeetingId: string,
  settings: RecordingSettings,
  options: { storageSecret: string | null; appBaseUrl: string | undefined },
): CompositeRecording {
  const watermark = watermarkOf(settings, options.appBaseUrl);
  const storage = externalStorageOf(settings, options.storageSecret);
  return {
    body: {
      meeting_id: rtkMeetingId,
      // A recording never outlives the longest meeting the org allows.
      max_seconds: settings.maxMeetingDurationMinutes * 60,
      video_config: { codec: settings.recordingCodec, ...(watermark ? { watermark } : {}) },
      realtimekit_bucket_config: { enabled: storage === undefined },
      ...(storage ? { storage_config: storage } : {}),
    },
    hasWatermark: watermark !== undefined,
    storageLocation: storage?.type ?? 'rtk',
  };
}
