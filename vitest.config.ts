import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig, type Plugin } from 'vitest/config';

const platformMigrations = await readD1Migrations('migrations/platform');

/** Worker code imports `.wasm` files as compiled modules (as wrangler bundles them); in Node, the same. */
const wasmAsModule: Plugin = {
  name: 'wasm-as-module',
  enforce: 'pre',
  load(id) {
    if (!id.endsWith('.wasm')) return;
    return `import { readFileSync } from 'node:fs'; export default new WebAssembly.Module(readFileSync(${JSON.stringify(id)}));`;
  },
};

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
          include: ['platform/**/*.workers.test.ts', 'shared/**/*.workers.test.ts'],
          globalSetup: ['platform/test/global-setup.ts'],
        },
      },
      {
        // Node: pure modules (*.test.ts), the dev tools, the local cloud, checks of the Worker's source and the API
        // document's lint.
        plugins: [wasmAsModule],
        test: {
          name: 'node',
          environment: 'node',
          include: ['scripts/**/*.test.{ts,mjs}', 'shared/src/**/*.test.ts', 'platform/**/*.test.ts'],
          exclude: ['**/*.workers.test.ts', '**/node_modules/**'],
          // The platform's password hashing imports its Wasm build; inlined, so wasmAsModule loads it.
          server: { deps: { inline: ['argon2id'] } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
