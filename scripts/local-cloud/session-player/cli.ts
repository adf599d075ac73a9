#!/usr/bin/env node
// npm run session -- --meeting <rtkMeetingId> [--participants N] [--minutes M] [--record] [--livestream]
//   [--recording-errored] [--duplicate] [--reorder] [--drop] [--seed S] [--url-ttl SECONDS]
// Plays one session against the running local cloud and prints the ground truth as JSON.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CREDENTIALS_FILE } from '../index.ts';

const { values } = parseArgs({
  options: {
    meeting: { type: 'string' },
    participants: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '10' },
    record: { type: 'boolean', default: false },
    livestream: { type: 'boolean', default: false },
    'recording-errored': { type: 'boolean', default: false },
    'no-transcript': { type: 'boolean', default: false },
    duplicate: { type: 'boolean', default: false },
    reorder: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'url-ttl': { type: 'string' },
    url: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || !values.meeting) {
  console.error(
    'Usage: npm run session -- --meeting <rtkMeetingId> [--participants N] [--minutes M] [--record] [--livestream] [--recording-errored] [--no-transcript] [--duplicate] [--reorder] [--drop] [--seed S] [--url-ttl SECONDS] [--url http://127.0.0.1:8700]',
  );
  process.exit(values.help ? 0 : 2);
}

let base = values.url;
if (!base) {
  if (!existsSync(DEFAULT_CREDENTIALS_FILE)) {
    console.error(
      'No running local cloud found (.local-cloud/credentials.json is missing). Start it with `npm run local-cloud` or pass --url.',
    );
    process.exit(1);
  }
  base = new URL(JSON.parse(readFileSync(DEFAULT_CREDENTIALS_FILE, 'utf8')).apiBase).origin;
}

const response = await fetch(`${base}/__local/rtk/sessions/play`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    meetingId: values.meeting,
    participants: Number(values.participants),
    minutes: Number(values.minutes),
    record: values.record,
    livestream: values.livestream,
    recordingOutcome: values['recording-errored'] ? 'ERRORED' : 'UPLOADED',
    transcript: !values['no-transcript'],
    duplicate: values.duplicate,
    reorder: values.reorder,
    drop: values.drop,
    seed: Number(values.seed),
    ...(values['url-ttl'] ? { urlTtlSeconds: Number(values['url-ttl']) } : {}),
  }),
}).catch((error) => {
  console.error(`Could not reach the local cloud at ${base}: ${error.message}`);
  process.exit(1);
});
const body = await response.json();
console.log(JSON.stringify(body, null, 2));
process.exit(response.ok ? 0 : 1);
