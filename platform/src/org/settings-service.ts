import { decryptField, deriveFieldKey, encryptField } from '@castio/shared/crypto';
import type { Env } from '../env';
import { ApiError, notFound } from '../http/errors';
import {
  findOrgBySlug,
  findSettingsRow,
  type OrgSettingsRow,
  renameOrgStatement,
  settingsFromRow,
  updateSettingsStatement,
} from './queries';
import { OrgSettingsFields, type OrgSettings, type OrgSettingsPatch, type SettingKey } from './settings-schema';

interface StoredStorageConfig {
  bucket: string;
  region?: string;
  endpoint?: string;
  path?: string;
  accessKeyId?: string;
  /** AES-GCM sealed; never leaves the Worker. */
  sealedSecret?: string;
}

const storageSecretLocation = (orgId: string) => `org_settings|${orgId}|recording_storage_config`;

function toApiSettings(row: OrgSettingsRow): OrgSettings {
  const stored = row.recording_storage_config
    ? (JSON.parse(String(row.recording_storage_config)) as StoredStorageConfig)
    : null;
  const { sealedSecret, ...visible } = stored ?? ({} as StoredStorageConfig);
  return {
    orgName: String(row.org_name),
    orgSlug: String(row.org_slug),
    logoUrl: (row.logo_url as string | null) ?? null,
    faviconUrl: (row.favicon_url as string | null) ?? null,
    watermarkImageUrl: (row.watermark_image_url as string | null) ?? null,
    recordingStorageConfig: stored ? { ...visible, hasSecret: Boolean(sealedSecret) } : null,
    updatedAt: String(row.updated_at),
    ...(settingsFromRow(row) as Pick<OrgSettings, SettingKey>),
  };
}

export async function getOrgSettings(env: Env, orgId: string): Promise<OrgSettings> {
  const row = await findSettingsRow(env.DB, orgId);
  if (!row) throw notFound('The organisation');
  return toApiSettings(row);
}

/** The storage secret in plain text, for the code that starts recordings. Never sent to a client. */
export async function readStorageSecret(env: Env, orgId: string): Promise<string | null> {
  const row = await findSettingsRow(env.DB, orgId);
  const stored = row?.recording_storage_config
    ? (JSON.parse(String(row.recording_storage_config)) as StoredStorageConfig)
    : null;
  if (!stored?.sealedSecret) return null;
  return decryptField(deriveFieldKey(env.JWT_SECRET), stored.sealedSecret, storageSecretLocation(orgId));
}

export async function updateOrgSettings(env: Env, orgId: string, patch: OrgSettingsPatch): Promise<OrgSettings> {
  const current = await findSettingsRow(env.DB, orgId);
  if (!current) throw notFound('The organisation');
  const { orgName, orgSlug, recordingStorageConfig, ...fields } = patch;
  const settingChanges = Object.fromEntries(Object.entries(fields).filter(([key]) => key in OrgSettingsFields));
  const extraColumns: Record<string, unknown> = {};
  if (recordingStorageConfig !== undefined) {
    extraColumns.recording_storage_config =
      recordingStorageConfig === null
        ? null
        : JSON.stringify(sealStorageConfig(env, orgId, recordingStorageConfig, current));
  }
  const statements = [updateSettingsStatement(env.DB, orgId, settingChanges, extraColumns)];
  if (orgSlug !== undefined && orgSlug !== current.org_slug) {
    const taken = await findOrgBySlug(env.DB, orgSlug);
    if (taken) throw new ApiError('slug_taken', 'That organisation address is taken.');
  }
  if (orgName !== undefined || orgSlug !== undefined) {
    statements.push(renameOrgStatement(env.DB, orgId, { name: orgName ?? null, slug: orgSlug ?? null }));
  }
  try {
    await env.DB.batch(statements);
  } catch (error) {
    if (/UNIQUE/.test(String(error))) throw new ApiError('slug_taken', 'That organisation address is taken.');
    throw error;
  }
  return getOrgSettings(env, orgId);
}

/** Keeps the previous secret when a patch changes other storage fields but does not resend the secret. */
function sealStorageConfig(
  env: Env,
  orgId: string,
  input: NonNullable<OrgSettingsPatch['recordingStorageConfig']>,
  current: OrgSettingsRow,
): StoredStorageConfig {
  const { secret, ...visible } = input;
  const previous = current.recording_storage_config
    ? (JSON.parse(String(current.recording_storage_config)) as StoredStorageConfig)
    : null;
  const sealedSecret =
    secret !== undefined
      ? encryptField(deriveFieldKey(env.JWT_SECRET), secret, storageSecretLocation(orgId))
      : previous?.sealedSecret;
  return sealedSecret ? { ...visible, sealedSecret } : visible;
}
