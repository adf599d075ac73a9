-- Presets per org. Every org of a deployment shares its one RealtimeKit app, where preset names are unique, so an
-- org's presets are named `<rtk_preset_prefix><name>` there (platform/src/presets/preset-scope.ts). NULL means the
-- reserved `org-<org id>-`. The deployment's oldest org gets '': it keeps the names it has in RTK today, built-in
-- and custom, so nothing is renamed or orphaned. New orgs get theirs when created (platform/src/org/queries.ts).
-- Additive only.
ALTER TABLE organizations ADD COLUMN rtk_preset_prefix TEXT;
UPDATE organizations SET rtk_preset_prefix = ''
  WHERE id = (SELECT id FROM organizations ORDER BY created_at, id LIMIT 1);
