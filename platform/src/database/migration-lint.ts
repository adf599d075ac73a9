/**
 * Migrations are additive only (seed §14.11, ARCHITECTURE item 6): an older Worker must keep running on the
 * newer schema, so no statement may drop, rename or rewrite what exists.
 */
const DESTRUCTIVE = [
  { pattern: /\bDROP\s+(TABLE|INDEX|VIEW|TRIGGER)\b/i, reason: 'drops an object' },
  { pattern: /\bALTER\s+TABLE\s+\S+\s+RENAME\b/i, reason: 'renames a table or column' },
  { pattern: /\bALTER\s+TABLE\s+\S+\s+DROP\b/i, reason: 'drops a column' },
  { pattern: /\bDELETE\s+FROM\b/i, reason: 'deletes rows' },
  { pattern: /\bUPDATE\s+\S+\s+SET\b/i, reason: 'rewrites rows' },
  { pattern: /\bREPLACE\s+INTO\b/i, reason: 'replaces rows' },
];

export interface MigrationProblem {
  migration: string;
  statement: string;
  reason: string;
}

/** Strips SQL comments so a comment that mentions DROP does not trip the lint. */
const withoutComments = (sql: string) => sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');

export function findDestructiveStatements(migrations: { name: string; queries: string[] }[]): MigrationProblem[] {
  return migrations.flatMap((migration) =>
    migration.queries.flatMap((query) => {
      const statement = withoutComments(query);
      return DESTRUCTIVE.filter(({ pattern }) => pattern.test(statement)).map(({ reason }) => ({
        migration: migration.name,
        statement: statement.trim().slice(0, 120),
        reason,
      }));
    }),
  );
}
