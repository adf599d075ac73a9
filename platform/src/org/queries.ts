export interface OrgRow {
  id: string;
  name: string;
  slug: string;
  owner_id: string | null;
  rtk_app_id: string | null;
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

/**
 * Statements creating an org with its settings row. With `onlyIfFirst`, the org row is inserted only while
 * the deployment has no org yet, in one atomic statement, so two racing first sign-ups cannot both create one.
 */
export function insertOrgStatements(
  db: D1Database,
  org: { id: string; name: string; slug: string; ownerId: string; rtkAppId: string | null },
  onlyIfFirst: boolean,
) {
  const insertOrg = onlyIfFirst
    ? db
        .prepare(
          `INSERT INTO organizations (id, name, slug, owner_id, rtk_app_id)
           SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM organizations)`,
        )
        .bind(org.id, org.name, org.slug, org.ownerId, org.rtkAppId)
    : db
        .prepare('INSERT INTO organizations (id, name, slug, owner_id, rtk_app_id) VALUES (?, ?, ?, ?, ?)')
        .bind(org.id, org.name, org.slug, org.ownerId, org.rtkAppId);
  const insertSettings = db
    .prepare('INSERT INTO org_settings (org_id) SELECT id FROM organizations WHERE id = ?')
    .bind(org.id);
  return [insertOrg, insertSettings];
}
