import { applyD1Migrations, env } from 'cloudflare:test';

// Imported by every test file that uses D1 (through helpers.ts or directly): that file's fresh database gets the
// real schema, applied the way wrangler applies it. Files that never touch D1 do not pay for it.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
