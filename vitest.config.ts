import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const platformMigrations = await readD1Migrations('migrations/platform');

export default defineConfig({
  test: {
    projects: [
      {
        // Worker code, run inside workerd with real D1/KV/R2/DO from wrangler.platform.toml.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.platform.toml' },
            miniflare: {
              bindings: {
                JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789abcdef',
                ENVIRONMENT: 'test',
                TEST_MIGRATIONS: platformMigrations,
              },
            },
          }),
        ],
        test: {
          name: 'platform',
          include: ['platform/src/**/*.test.ts', 'platform/test/**/*.test.ts', 'shared/src/**/*.test.ts'],
          exclude: ['**/*.node.test.ts', '**/node_modules/**'],
          setupFiles: ['platform/test/apply-migrations.ts'],
          globalSetup: ['platform/test/global-setup.ts'],
        },
      },
      {
        // Dev tools that run in Node (the local cloud, scripts, their contract tests), pure platform logic
        // (*.node.test.ts) and checks of the Worker's source.
        test: {
          name: 'node',
          environment: 'node',
          include: ['scripts/**/*.test.{ts,mjs}', 'shared/src/**/*.node.test.ts', 'platform/src/**/*.node.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
