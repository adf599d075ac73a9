import { z } from '@hono/zod-openapi';
import { MeetingParamsSchema } from './schemas';
import { nullableNamed } from '@castio/shared/schemas';

/** Request and response shapes of the in-meeting host controls (§5.5, §6.8, §7.2, §7.9, §7.10). */

export const ParticipantParamsSchema = MeetingParamsSchema.extend({
  participantId: z.string().max(64).openapi({ description: 'The RTK participant id, as the participant list shows.' }),
});

const PLATFORM_ROLES = ['owner', 'admin', 'host', 'member', 'guest'] as const;

export const RoomParticipantSchema = z
  .object({
    participantId: z.string().openapi({ description: 'RTK participant id: what the preset and kick routes take.' }),
    userId: z.string().nullable(),
    guestTokenId: z.string().nullable(),
    displayName: z.string().nullable(),
    presetName: z.string().nullable(),
    role: z
      .enum(PLATFORM_ROLES)
      .nullable()
      .openapi({ description: 'Platform role of the person (guest for guests); null when RTK names someone unknown.' }),
    joinedAt: z.string().nullable(),
  })
  .openapi('RoomParticipant');

export const RoomParticipantListSchema = z
  .object({ items: z.array(RoomParticipantSchema) })
  .openapi('RoomParticipantList');

export const PresetChangeSchema = z
  .object({
    presetName: z.string().min(1).max(64).openapi({
      description: 'One of the built-in presets of the meeting’s type, e.g. video_host or webinar_viewer.',
      example: 'video_host',
    }),
  })
  .strict()
  .openapi('PresetChange');

export const PresetChangeResultSchema = z
  .object({
    participantId: z.string(),
    userId: z.string().nullable(),
    guestTokenId: z.string().nullable(),
    presetFrom: z.string().nullable(),
    presetTo: z.string(),
    change: z.enum(['promoted', 'demoted', 'unchanged']),
  })
  .openapi('PresetChangeResult');

export const KickResultSchema = z
  .object({
    participantId: z.string(),
    userId: z.string().nullable(),
    guestTokenId: z.string().nullable(),
    guestTokenRevoked: z.boolean(),
  })
  .openapi('KickResult');

export const MuteAllSchema = z
  .object({
    allowUnmute: z.boolean().optional().openapi({ description: 'Whether people may unmute themselves. Default true.' }),
  })
  .strict()
  .openapi('MuteAll');

export const MuteAllResultSchema = z
  .object({ muted: z.literal(true), allowUnmute: z.boolean() })
  .openapi('MuteAllResult');

export const RecordingStartSchema = z
  .object({
    perTrack: z
      .boolean()
      .optional()
      .openapi({ description: 'Record each participant’s audio to its own file instead of one composite video.' }),
  })
  .strict()
  .openapi('RecordingStart');

export const RECORDING_STATUSES = ['invoked', 'recording', 'uploading', 'uploaded', 'errored'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const RecordingControlSchema = z
  .object({
    id: z.string(),
    rtkRecordingId: z.string(),
    recordingType: z.enum(['composite', 'track']),
    status: z.enum(RECORDING_STATUSES),
    codec: z.string().nullable(),
    hasWatermark: z.boolean(),
    storageLocation: z.string().openapi({ description: 'rtk (RealtimeKit’s bucket) or the external provider.' }),
  })
  .openapi('RecordingControl');

export const LivestreamSchema = z
  .object({
    rtkLivestreamId: z.string(),
    status: z.string().nullable(),
    ingestServer: z.string().nullable().openapi({ description: 'RTMP(S) server an encoder pushes to.' }),
    streamKey: z.string().nullable().openapi({ description: 'Secret: whoever holds it can stream into the meeting.' }),
    playbackUrl: z.string().nullable().openapi({ description: 'HLS playlist for viewers.' }),
  })
  .openapi('Livestream');

export const LivestreamStatusSchema = z
  .object({ live: z.boolean(), livestream: nullableNamed(LivestreamSchema) })
  .openapi('LivestreamStatus');

export type RoomParticipant = z.infer<typeof RoomParticipantSchema>;
export type Livestream = z.infer<typeof LivestreamSchema>;
