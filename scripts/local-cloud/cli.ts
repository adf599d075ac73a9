#!/usr/bin/env node
// `npm run local-cloud [-- --reset] [--verbose] [--auto-crons] [--faults plan.json]`
// Starts the local cloud alone at http://127.0.0.1:8700 ($LOCAL_CLOUD_PORT overrides), writes
// .local-cloud/credentials.json and prints how to use it.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CREDENTIALS_FILE, startLocalCloud } from './index.ts';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'auto-crons': { type: 'boolean', default: true },
    'no-auto-crons': { type: 'boolean', default: false },
    faults: { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run local-cloud [-- --reset] [--verbose] [--no-auto-crons] [--faults plan.json] [--state-dir DIR]
  --reset          wipe the saved state (accounts, tokens, databases, Workers, RTK data) first
  --verbose        print workerd output and request errors
  --no-auto-crons  do not fire deployed Workers' cron schedules on time
  --faults FILE    start with a fault plan ({ "seed": 1, "rules": [...] }, see scripts/local-cloud/README.md)
Environment: LOCAL_CLOUD_PORT (default 8700)`);
  process.exit(0);
}

const cloud = await startLocalCloud({
  reset: values.reset,
  verbose: values.verbose,
  autoCrons: !values['no-auto-crons'],
  stateDir: values['state-dir'],
  credentialsFile: DEFAULT_CREDENTIALS_FILE,
  faults: values.faults ? JSON.parse(readFileSync(values.faults, 'utf8')) : undefined,
});

const shown = cloud.credentialsFile
  ? relative(process.cwd(), cloud.credentialsFile) || cloud.credentialsFile
  : '(not written)';
console.log(`Castio local cloud running at ${cloud.url}

  Cloudflare API base   ${cloud.apiBase}
  Account id            ${cloud.accountId}
  API token (all perms) ${cloud.token}
  Credentials file      ${shown}
${
  cloud.rtk
    ? `  RealtimeKit app id    ${cloud.rtk.appId}
  RTK webhook key       ${cloud.rtk.webhookKeysUrl}
`
    : ''
}  workers.dev URLs      ${cloud.workersDevUrlTemplate}  (redirects to the script's own port)
  Control API           ${cloud.url}/__local   (see scripts/local-cloud/README.md)

Use it with the official SDK:
  new Cloudflare({ apiToken: '<token>', baseURL: '${cloud.apiBase}' })
or curl:
  curl -H "Authorization: Bearer ${cloud.token}" ${cloud.apiBase}/user/tokens/verify

State: ${cloud.stateDir}  (--reset wipes it). Ctrl-C stops.`);

const shutdown = async () => {
  await cloud.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
