// Runs inside the process `startLocalCloudProcess` forks: starts the local cloud with the options in argv[2],
// reports it over IPC, and stops when told to or when the parent disappears (so it never outlives it).
import { startLocalCloud } from '@castio/local-cloud';
import { portInUseMessage } from './ports.ts';

const options = JSON.parse(process.argv[2]);

function explain(error) {
  if (error?.code !== 'EADDRINUSE') return error?.message ?? String(error);
  return portInUseMessage(error.port, { what: 'the local cloud', envName: 'LOCAL_CLOUD_PORT' });
}

try {
  const cloud = await startLocalCloud(options);
  const stop = async () => {
    await cloud.stop();
    process.exit(0);
  };
  process.on('message', (message) => message?.type === 'stop' && stop());
  process.once('disconnect', stop);
  const { url, apiBase, accountId, token, rtk, stateDir, credentialsFile } = cloud;
  process.send({ type: 'ready', cloud: { url, apiBase, accountId, token, rtk, stateDir, credentialsFile } });
} catch (error) {
  process.send({ type: 'failed', message: explain(error) }, () => process.exit(1));
}
