// The local cloud in a process of its own. Miniflare, once created, exits its process on the first SIGINT or
// SIGTERM; in `npm start`'s own process that would cut the ordered shutdown (platform first, then the cloud)
// short. Here the cloud stops when asked, or when its parent goes away.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD_MAIN = fileURLToPath(new URL('./local-cloud-process-main.mjs', import.meta.url));
const STOP_GRACE_MS = 10_000;

/**
 * Starts it with `startLocalCloud` options (JSON-serialisable ones); resolves once it listens with what
 * `startLocalCloud` would return (url, apiBase, accountId, token, rtk, stateDir, credentialsFile) plus `stop()`
 * and `exited` (its exit code, whenever it ends).
 */
export async function startLocalCloudProcess(options) {
  // Its own process group: Ctrl-C reaches only `npm start`, which then stops things in order.
  const child = fork(CHILD_MAIN, [JSON.stringify(options)], { detached: true, stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.connected) child.send({ type: 'stop' });
    const deadline = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(deadline);
  };
  try {
    const cloud = await new Promise((resolve, reject) => {
      child.once('message', (message) =>
        message.type === 'ready' ? resolve(message.cloud) : reject(new Error(message.message)),
      );
      exited.then((code) => reject(new Error(`the local cloud exited with code ${code} while starting`)));
    });
    return { ...cloud, stop, exited };
  } catch (error) {
    await stop();
    throw error;
  }
}
