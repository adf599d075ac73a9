#!/usr/bin/env node
// Serves the platform Worker alone at http://127.0.0.1:8788 (PORT overrides) with local D1/KV/R2,
// migrations applied first. State lives in .wrangler/state and survives restarts. When a local cloud runs
// (`npm run local-cloud`), the platform's RealtimeKit, webhook key and mail settings point at it and its crons
// run (which registers its RTK webhook there); without one, RTK calls fail.
import { findRunningLocalCloud, platformVarsFor } from './dev/local-cloud-link.ts';
import { CRON_DEV_ARGS, startPlatformCrons } from './dev/platform-crons.mjs';
import { startPlatformDev } from './dev/platform-dev.ts';
import { portFromEnv } from './dev/ports.ts';
import { createServiceStack } from './dev/service-stack.mjs';
import { DEFAULT_CREDENTIALS_FILE } from '@castio/local-cloud';

async function main(stack) {
  const port = portFromEnv('PORT', 8788);
  const cloud = await findRunningLocalCloud(DEFAULT_CREDENTIALS_FILE);
  const platformUrl = `http://127.0.0.1:${port}`;
  const platform = stack.add(
    'the platform',
    await startPlatformDev({
      port,
      vars: cloud ? platformVarsFor(cloud, platformUrl) : {},
      extraArgs: cloud ? CRON_DEV_ARGS : [],
      handleSignals: false,
    }),
  );
  stack.exitWhenEnded('The platform', platform.exited);
  if (!cloud) {
    console.log(
      'No local cloud is running: RealtimeKit calls will fail until `npm run local-cloud` runs (then restart this).',
    );
    return;
  }
  stack.add('the platform crons', await startPlatformCrons(platform.url));
  console.log(`RealtimeKit, webhooks and mail: the local cloud at ${cloud.url}`);
}

const stack = createServiceStack();
await main(stack).catch((error) => stack.exit(1, `The platform could not start: ${error?.message ?? error}`));
