import { createServer } from 'node:net';

/**
 * Fails with a plain sentence when `port` is taken. Checked before starting anything, because wrangler and the
 * local cloud would otherwise fail halfway through startup, or leave a readiness probe talking to the other
 * program on that port.
 */
export async function assertPortFree(port, { what, envName, host = '127.0.0.1' }) {
  const server = createServer();
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(undefined));
    });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    throw new Error(portInUseMessage(port, { what, envName }));
  } finally {
    await new Promise((resolve) => (server.listening ? server.close(() => resolve(undefined)) : resolve(undefined)));
  }
}

/** A port from the environment (`name`), or `fallback` when unset. */
export function portFromEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${text} is not a port number.`);
  return port;
}

export function portInUseMessage(port, { what, envName }) {
  return `Port ${port} is already in use, so ${what} cannot start there. Stop what is using it, or pick another port with ${envName}=<port>.`;
}
