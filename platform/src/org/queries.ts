import { NOW_SQL } from '../database/sql';
import { columnOf, isBooleanSetting, JSON_SETTINGS, OrgSettingsFields, type SettingKey } from './settings-schema';

export interface OrgRow {
  id: string;
  name: string;
  slug: string;
  owner_id: string | null;
  rtk_app_id: string | null;
  /** Its presets' names in RTK start with this; null: the reserved `org-<id>-` (presets/preset-scope.ts). */
  rtk_preset_prefix: string | null;
  created_at: string;
}

export const toOrgSummary = (org: OrgRow) => ({ id: org.id, name: org.name, slug: org.slug });

export const findOrgById = (db: D1Database, orgId: string) =>
  db.prepare('SELECT * FROM organizations WHERE id = ?').bind(orgId).first<OrgRow>();

export const findOrgBySlug = (db: D1Database, slug: string) =>
  db.prepare('SELECT * FROM organizations WHERE slug = ?').bind(slug).first<OrgRow>();

/** The org of a single-org deployment, or null when there are none or several. */
export async function findSoleOrg(db: D1Database): Promise<OrgRow | null> {
  const { results } = await db.prepare('SELECT * FROM organizations ORDER BY id LIMIT 2').all<OrgRow>();
  return results.length === 1 ? results[0]! : null;
}

/** Whether the deployment has any org yet (the first registration creates one). */
export async function anyOrgExists(db: D1Database): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS found FROM organizations LIMIT 1').first<{ found: 1 }>()) !== null;
}

export const findRtkPresetPrefix = (db: D1Database, orgId: string) =>
  db
    .prepare('SELECT rtk_preset_prefix FROM organizations WHERE id = ?')
    .bind(orgId)
    .first<Pick<OrgRow, 'rtk_preset_prefix'>>();

/** The deployment's first org keeps RTK's plain preset names (''); every later one gets the reserved prefix. */
const PRESET_PREFIX_OF_NEW_ORG = "CASE WHEN EXISTS (SELECT 1 FROM organizations) THEN NULL ELSE '' END";

/**
 * Statements creating an org with its settings row. With `onlyIfFirst`, the org row is inserted only while
 * the deployment has no org yet, in one atomic statement, so two racing first sign-ups cannot both create one
 * (nor, without it, both take the first org's preset names).
 */
export function insertOrgStatements(
  db: D1Database,
  org: { id: string; name: string; slug: string; ownerId: string; rtkAppId: string | null },
  onlyIfFirst: boolean,
) {
  const insertOrg = db
    .prepare(
      `INSERT INTO organizations (id, name, slug, owner_id, rtk_app_id, rtk_preset_prefix)
       SELECT ?, ?, ?, ?, ?, ${PRESET_PREFIX_OF_NEW_ORG}
       ${onlyIfFirst ? 'WHERE NOT EXISTS (SELECT 1 FROM organizations)' : ''}`,
    )
    .bind(org.id, org.name, org.slug, org.ownerId, org.rtkAppId);
  const insertSettings = db
    .prepare('INSERT INTO org_settings (org_id) SELECT id FROM organizations WHERE id = ?')
    .bind(org.id);
  return [insertOrg, insertSettings];
}

/** The org's new name and/or slug (null leaves one as it is); the slug is unique across the deployment. */
export const renameOrgStatement = (
  db: D1Database,
  orgId: string,
  change: { name: string | null; slug: string | null },
) =>
  db
    .prepare(
      `UPDATE organizations SET name = COALESCE(?, name), slug = COALESCE(?, slug), updated_at = ${NOW_SQL} WHERE id = ?`,
    )
    .bind(change.name, change.slug, orgId);

// Org settings: one row per org (§12.3), created with the org.

const SETTING_KEYS = Object.keys(OrgSettingsFields) as SettingKey[];

export type OrgSettingsRow = Record<string, string | number | null>;

export const findSettingsRow = (db: D1Database, orgId: string) =>
  db
    .prepare(
      `SELECT s.*, o.name AS org_name, o.slug AS org_slug FROM org_settings s
       JOIN organizations o ON o.id = s.org_id WHERE s.org_id = ?`,
    )
    .bind(orgId)
    .first<OrgSettingsRow>();

/** Converts the D1 row into API values for the §12.3 fields (0/1 → boolean, JSON text → object). */
export function settingsFromRow(row: OrgSettingsRow): Record<SettingKey, unknown> {
  return Object.fromEntries(
    SETTING_KEYS.map((key) => {
      const value = row[columnOf(key)] ?? null;
      if (isBooleanSetting(key)) return [key, value === 1];
      if (JSON_SETTINGS.has(key)) return [key, value === null ? null : JSON.parse(String(value))];
      return [key, value];
    }),
  ) as Record<SettingKey, unknown>;
}

/** One UPDATE for the given §12.3 fields; values are bound, column names come only from the schema. */
export function updateSettingsStatement(
  db: D1Database,
  orgId: string,
  changes: Partial<Record<SettingKey, unknown>>,
  extraColumns: Record<string, unknown> = {},
) {
  const columns: [string, unknown][] = [
    ...Object.entries(changes).map(([key, value]): [string, unknown] => {
      const settingKey = key as SettingKey;
      if (isBooleanSetting(settingKey)) return [columnOf(key), value ? 1 : 0];
      if (JSON_SETTINGS.has(settingKey)) return [columnOf(key), value === null ? null : JSON.stringify(value)];
      return [columnOf(key), value];
    }),
    ...Object.entries(extraColumns),
  ];
  const assignments = [...columns.map(([column]) => `${column} = ?`), `updated_at = ${NOW_SQL}`];
  return db
    .prepare(`UPDATE org_settings SET ${assignments.join(', ')} WHERE org_id = ?`)
    .bind(...columns.map(([, value]) => value), orgId);
}

export interface OrgPolicy {
  inviteOnlyRegistration: boolean;
}

export async function findOrgPolicy(db: D1Database, orgId: string): Promise<OrgPolicy> {
  const row = await db
    .prepare('SELECT invite_only_registration FROM org_settings WHERE org_id = ?')
    .bind(orgId)
    .first<{ invite_only_registration: number }>();
  return { inviteOnlyRegistration: row?.invite_only_registration !== 0 };
}

/** The org_settings columns that point at an uploaded branding asset (branding.ts). */
export type BrandingColumn = 'logo_url' | 'favicon_url' | 'watermark_image_url';

export const findBrandingUrl = (db: D1Database, orgId: string, column: BrandingColumn) =>
  db.prepare(`SELECT ${column} AS url FROM org_settings WHERE org_id = ?`).bind(orgId).first<{ url: string | null }>();

export const setBrandingUrlStatement = (db: D1Database, orgId: string, column: BrandingColumn, url: string) =>
  db.prepare(`UPDATE org_settings SET ${column} = ?, updated_at = ${NOW_SQL} WHERE org_id = ?`).bind(url, orgId);

/** Every org of the deployment, for the crons that work per org. */
export async function listOrgIds(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare('SELECT id FROM organizations ORDER BY id').all<{ id: string }>();
  return results.map((row) => row.id);
}
