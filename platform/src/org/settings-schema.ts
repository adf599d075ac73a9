import { z } from '@hono/zod-openapi';
import { fontName } from '@castio/shared/presets';
import { HexColorSchema, humanName, patchBody, SlugSchema } from '@castio/shared/schemas';

const MEETING_TYPES = ['video', 'audio', 'webinar', 'livestream'] as const;
const GUEST_ACCESS = ['disabled', 'link_only', 'open'] as const;
const STORAGE_PROVIDERS = ['r2', 'aws', 'azure', 'digitalocean', 'gcs', 'sftp'] as const;

const nullableHex = HexColorSchema.nullable();
const settingFontName = fontName(z.string().trim());

/** Where a recording goes when it is not RTK's own bucket. The secret is write-only (encrypted at rest). */
export const StorageConfigInputSchema = z
  .object({
    bucket: z.string().trim().min(1).max(255),
    region: z.string().trim().max(64).optional(),
    endpoint: z
      .url({ protocol: /^https$/ })
      .max(500)
      .optional(),
    path: z.string().trim().max(500).optional(),
    accessKeyId: z.string().trim().max(256).optional(),
    secret: z.string().max(4096).optional(),
  })
  .strict();

export const StorageConfigSchema = StorageConfigInputSchema.omit({ secret: true }).extend({ hasSecret: z.boolean() });

/**
 * Every org setting of spec §12.3 (one row per org), as the API shows it. Column names are the snake_case
 * of these keys; booleans are 0/1 in D1. This object is the single source for validation, OpenAPI and SQL.
 */
export const OrgSettingsFields = {
  theme: z.enum(['light', 'dark', 'darkest']),
  brandColor: HexColorSchema,
  backgroundColor: nullableHex,
  textColor: nullableHex,
  textOnPrimaryColor: nullableHex,
  videoBgColor: nullableHex,
  fontFamily: settingFontName.nullable(),
  googleFont: settingFontName.nullable(),
  borderWidth: z.enum(['none', 'thin', 'fat']),
  borderRadius: z.enum(['sharp', 'rounded', 'extra-rounded', 'circular']),
  logoHeight: z.number().int().min(16).max(128),
  customIconPack: z.record(z.string().max(64), z.string().max(20_000)).nullable(),
  watermarkEnabled: z.boolean(),
  watermarkPosition: z.enum(['left top', 'right top', 'left bottom', 'right bottom']),
  watermarkWidth: z.number().int().min(16).max(1920),
  watermarkHeight: z.number().int().min(16).max(1080),
  defaultMeetingType: z.enum(MEETING_TYPES),
  defaultWaitingRoom: z.boolean(),
  defaultRecordingAutostart: z.boolean(),
  defaultMaxParticipants: z.number().int().min(2).max(10_000),
  defaultGuestAccess: z.enum(GUEST_ACCESS),
  defaultChatEnabled: z.boolean(),
  defaultPollsEnabled: z.boolean(),
  defaultBreakoutRoomsEnabled: z.boolean(),
  defaultTranscriptionEnabled: z.boolean(),
  defaultAiSummariesEnabled: z.boolean(),
  defaultPluginsEnabled: z.boolean(),
  defaultLivestreamEnabled: z.boolean(),
  virtualBackgroundsAllowed: z.boolean(),
  guestAccessGlobal: z.boolean(),
  inviteOnlyRegistration: z.boolean(),
  simulcastEnabled: z.boolean(),
  recordingStorageProvider: z.enum(STORAGE_PROVIDERS),
  recordingCodec: z.enum(['H264', 'VP8']),
  defaultLocale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'Use a locale like en-US.'),
  customStrings: z.record(z.string().max(128), z.string().max(2000)).nullable(),
  rateLimitJoinsPerMinute: z.number().int().min(1).max(10_000),
  maxConcurrentMeetings: z.number().int().min(1).max(10_000),
  maxMeetingDurationMinutes: z.number().int().min(5).max(1440),
  maxRecordingStorageGb: z.number().int().min(1).max(100_000),
  guestTokenTtlMinutes: z.number().int().min(15).max(1440),
} as const;

/** Settings that hold JSON text in D1. */
export const JSON_SETTINGS = new Set<keyof typeof OrgSettingsFields>(['customIconPack', 'customStrings']);

export const OrgSettingsSchema = z
  .object({
    orgName: z.string(),
    orgSlug: z.string(),
    logoUrl: z.string().nullable(),
    faviconUrl: z.string().nullable(),
    watermarkImageUrl: z.string().nullable(),
    recordingStorageConfig: StorageConfigSchema.nullable(),
    updatedAt: z.string(),
    ...OrgSettingsFields,
  })
  .openapi('OrgSettings');

export const OrgSettingsPatchSchema = patchBody(
  {
    orgName: humanName(100),
    orgSlug: SlugSchema,
    recordingStorageConfig: StorageConfigInputSchema.nullable(),
    ...OrgSettingsFields,
  },
  'Send at least one setting to change.',
).openapi('OrgSettingsPatch');

export type OrgSettings = z.infer<typeof OrgSettingsSchema>;
export type OrgSettingsPatch = z.infer<typeof OrgSettingsPatchSchema>;
export type SettingKey = keyof typeof OrgSettingsFields;

export const columnOf = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
export const isBooleanSetting = (key: SettingKey) => OrgSettingsFields[key] instanceof z.ZodBoolean;
