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
