import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the capture server received: headers as sent, the body as its UTF-8 text. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const CHANNELS = '/channels/';

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

/** Node's headers, several values of one header joined as fetch joins them. */
const headersOf = (request: IncomingMessage) =>
  Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  );

const answerJson = (response: ServerResponse, value: unknown) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(value));
};

/**
 * A real HTTP server (Node, started by the global setup) for what leaves the Worker and the local cloud in tests.
 * Whatever is sent to it is recorded and answered `{}`:
 * - `/channels/<name>/…`: kept per channel, listed by `GET /__channels/<name>`. A test file uses its own channel,
 *   e.g. as the deployment's public URL, where the local cloud delivers RTK webhooks for the test to hand to the
 *   Worker (the Worker under test is not an HTTP server RTK could reach), or as a telemetry or Sentry endpoint;
 * - anything else: listed by `GET /__received[?prefix=/path]`; `DELETE /__received` empties that list (and only it).
 */
export async function startCaptureServer() {
  const received: CapturedRequest[] = [];
  const channels = new Map<string, CapturedRequest[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://capture');
    if (request.method === 'GET' && url.pathname === '/__received') {
      const prefix = url.searchParams.get('prefix') ?? '';
      return answerJson(
        response,
        received.filter((entry) => entry.path.startsWith(prefix)),
      );
    }
    if (request.method === 'DELETE' && url.pathname === '/__received') {
      received.length = 0;
      return response.end();
    }
    if (request.method === 'GET' && url.pathname.startsWith('/__channels/'))
      return answerJson(response, channels.get(url.pathname.slice('/__channels/'.length)) ?? []);
    const entry = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: headersOf(request),
      body: await readBody(request),
    };
    if (url.pathname.startsWith(CHANNELS)) {
      const name = url.pathname.slice(CHANNELS.length).split('/')[0]!;
      if (!channels.has(name)) channels.set(name, []);
      channels.get(name)!.push(entry);
    } else received.push(entry);
    answerJson(response, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
