import { columnOf, isBooleanSetting, JSON_SETTINGS, OrgSettingsFields, type SettingKey } from './settings-schema';

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
  const assignments = [
    ...columns.map(([column]) => `${column} = ?`),
    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  ];
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
