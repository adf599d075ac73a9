import { applyD1Migrations, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import '../../test/migrated-d1';
import { findDestructiveStatements } from './migration-lint';

describe('platform migrations', () => {
  it('apply on an empty database and are recorded in wrangler’s d1_migrations table', async () => {
    const { results } = await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>();
    expect(results.map((row) => row.name)).toEqual(env.TEST_MIGRATIONS.map((migration) => migration.name));
    expect(results[0]?.name).toBe('0001_initial.sql');
  });

  it('create the whole canonical schema', async () => {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{
      name: string;
    }>();
    const tables = results.map((row) => row.name);
    for (const table of [
      'organizations',
      'users',
      'refresh_tokens',
      'org_invites',
      'org_settings',
      'meetings',
      'recurring_patterns',
      'meeting_occurrences',
      'meeting_invites',
      'guest_tokens',
      'participant_events',
      'sessions',
      'session_participants',
      'session_snapshots',
      'recordings',
      'recording_status_events',
      'livestreams',
      'transcripts',
      'summaries',
      'chat_messages',
      'webhook_events',
      'daily_analytics',
      'diagnostic_webhook_deliveries',
      'diagnostic_health_snapshots',
      'notifications',
      'security_events',
    ]) {
      expect(tables, table).toContain(table);
    }
  });

  it('keep every tenant table keyed by org_id', async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('organizations', 'd1_migrations', '_cf_KV', '_cf_METADATA') AND name NOT LIKE 'sqlite_%'",
    ).all<{ name: string }>();
    for (const { name } of results) {
      const columns = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(name).all<{ name: string }>();
      expect(
        columns.results.map((column) => column.name),
        name,
      ).toContain('org_id');
    }
  });

  it('are a no-op when applied again', async () => {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM d1_migrations').first<{ n: number }>();
    expect(count?.n).toBe(env.TEST_MIGRATIONS.length);
  });

  it('are additive only', () => {
    expect(findDestructiveStatements(env.TEST_MIGRATIONS)).toEqual([]);
  });

  it('the additive lint catches destructive statements', () => {
    const problems = findDestructiveStatements([
      {
        name: '0099_bad.sql',
        queries: [
          'DROP TABLE users',
          'ALTER TABLE users RENAME TO people',
          'ALTER TABLE users RENAME COLUMN name TO full_name',
          'ALTER TABLE users DROP COLUMN email',
          'DELETE FROM users',
          '-- DROP TABLE in a comment is fine\nCREATE TABLE x (id TEXT)',
          'ALTER TABLE users ADD COLUMN nickname TEXT',
        ],
      },
    ]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      'drops an object',
      'renames a table or column',
      'renames a table or column',
      'drops a column',
      'deletes rows',
    ]);
  });

  it('the additive lint lets a migration fill in a column it adds, and nothing more', () => {
    const problems = findDestructiveStatements([
      {
        name: '0098_backfill.sql',
        queries: [
          'ALTER TABLE users ADD COLUMN nickname TEXT',
          "UPDATE users SET nickname = '' WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1)",
          "UPDATE users SET name = 'x' WHERE id = '1'",
          "UPDATE users SET nickname = '', name = 'x' WHERE id = '1'",
          'UPDATE users SET nickname = name WHERE true',
        ],
      },
      // A column added by an earlier migration is existing data by now.
      { name: '0099_later.sql', queries: ["UPDATE users SET nickname = 'y' WHERE id = '1'"] },
    ]);
    expect(problems.map((problem) => problem.statement)).toEqual([
      "UPDATE users SET name = 'x' WHERE id = '1'",
      "UPDATE users SET nickname = '', name = 'x' WHERE id = '1'",
      'UPDATE users SET nickname = name WHERE true',
      "UPDATE users SET nickname = 'y' WHERE id = '1'",
    ]);
  });
});
