import { createServer } from 'node:net';

/** Which program wants the port, and the environment variable that picks another. */
export interface PortUse {
  what: string;
  envName: string;
}

/**
 * Fails with a plain sentence when `port` is taken. Checked before starting anything, because wrangler and the
 * local cloud would otherwise fail halfway through startup, or leave a readiness probe talking to the other
 * program on that port.
 */
export async function assertPortFree(
  port: number,
  { what, envName, host = '127.0.0.1' }: PortUse & { host?: string },
): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(portInUseMessage(port, { what, envName }));
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }
}

/** A port from the environment (`name`), or `fallback` when unset. */
export function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${text} is not a port number.`);
  return port;
}

export function portInUseMessage(port: number, { what, envName }: PortUse): string {
  return `Port ${port} is already in use, so ${what} cannot start there. Stop what is using it, or pick another port with ${envName}=<port>.`;
}
