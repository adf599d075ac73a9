/**
 * What `npm start` prints once everything answers: where to go, what to paste, how to stop. The session player
 * finds the cloud through .local-cloud/credentials.json, so it needs `--url` when state lives elsewhere.
 */
export function startBanner({ cloud, platform, stateFolders, customState }) {
  const sessionUrlArg = customState ? ` --url ${cloud.url}` : '';
  return `
Castio is running.

  Platform              ${platform.url}
  API docs              ${platform.url}/api/docs
  Local cloud           ${cloud.url}  (Cloudflare API + RealtimeKit, offline)
  Mail sink             ${cloud.url}/__local/mail  (mail the platform sends lands here)
  Cloudflare API token  ${cloud.token}  (all permissions; paste it where a token is asked for)

  First account   POST ${platform.url}/api/auth/register creates the organisation and its owner
  Play a session  npm run session -- --meeting <RealtimeKit meeting id>${sessionUrlArg}
  State           ${stateFolders}

Ctrl-C stops everything.
`;
}
