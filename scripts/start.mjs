#!/usr/bin/env node
// `npm start`: the local cloud (Cloudflare API + RealtimeKit, offline), then the platform wired to it and its
// crons, then one block saying where everything is. Ctrl-C stops it all. Each piece is one step in `main`;
// the deployer joins them in a later issue.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { linkToStartedCloud, platformVarsFor } from './dev/local-cloud-link.ts';
import { startLocalCloudProcess } from './dev/local-cloud-process.mjs';
import { CRON_DEV_ARGS, startPlatformCrons } from './dev/platform-crons.mjs';
import { startPlatformDev } from './dev/platform-dev.ts';
import { assertPortFree, portFromEnv } from './dev/ports.ts';
import { createServiceStack } from './dev/service-stack.mjs';
import { startBanner } from './dev/start-banner.mjs';

// The local cloud's DEFAULT_PORT; its index.ts loads Miniflare, too slow to import just for a constant.
const LOCAL_CLOUD_DEFAULT_PORT = 8700;

const USAGE = `Usage: npm start [-- --state-dir DIR]
  --state-dir DIR  keep all state in DIR (platform/, local-cloud/, local-cloud-credentials.json) instead of
                   .wrangler/state and .local-cloud/
Environment: PORT (platform, default 8788), LOCAL_CLOUD_PORT (local cloud, default ${LOCAL_CLOUD_DEFAULT_PORT})`;

/** Where state lives: the usual folders (each tool's default), or all under --state-dir (tests use a temporary one). */
function stateLayout(stateDir) {
  if (!stateDir) return { shown: '.wrangler/state (platform), .local-cloud/state (local cloud)' };
  return {
    cloudState: join(stateDir, 'local-cloud'),
    credentialsFile: join(stateDir, 'local-cloud-credentials.json'),
    platformState: join(stateDir, 'platform'),
    shown: stateDir,
  };
}

async function main(stack) {
  const { values } = parseArgs({ options: { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return console.log(USAGE);
  const customState = values['state-dir'] !== undefined;
  const state = stateLayout(customState ? resolve(values['state-dir']) : undefined);
  const cloudPort = portFromEnv('LOCAL_CLOUD_PORT', LOCAL_CLOUD_DEFAULT_PORT);
  const platformPort = portFromEnv('PORT', 8788);
  await assertPortFree(cloudPort, { what: 'the local cloud', envName: 'LOCAL_CLOUD_PORT' });
  await assertPortFree(platformPort, { what: 'the platform', envName: 'PORT' });

  // The cloud boots in its own process while the platform's migrations run.
  const cloudStarted = startLocalCloudProcess({
    port: cloudPort,
    stateDir: state.cloudState,
    credentialsFile: state.credentialsFile,
    autoCrons: true,
  }).then((cloud) => {
    stack.add('the local cloud', cloud);
    stack.exitWhenEnded('The local cloud', cloud.exited);
    return cloud;
  });
  const platformUrl = `http://127.0.0.1:${platformPort}`;
  const platform = stack.add(
    'the platform',
    await startPlatformDev({
      port: platformPort,
      persistTo: state.platformState,
      vars: cloudStarted.then((cloud) => platformVarsFor(linkToStartedCloud(cloud), platformUrl)),
      extraArgs: CRON_DEV_ARGS,
      quiet: true,
      workerLogs: true,
      handleSignals: false,
    }),
  );
  stack.exitWhenEnded('The platform', platform.exited);
  stack.add('the platform crons', await startPlatformCrons(platform.url));

  console.log(startBanner({ cloud: await cloudStarted, platform, stateFolders: state.shown, customState }));
}

const stack = createServiceStack();
await main(stack).catch((error) => stack.exit(1, `Castio could not start: ${error?.message ?? error}`));
