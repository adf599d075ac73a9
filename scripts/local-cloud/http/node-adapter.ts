// Bridges node:http to web Request/Response, streaming both ways.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/** @param origin e.g. http://127.0.0.1:8700 */
export function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  req.on('close', () => {
    if (!req.complete) controller.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // `duplex` is what Node's fetch needs to stream a request body; DOM's RequestInit does not know it yet.
  const init: RequestInit & { duplex?: 'half' } = {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: controller.signal,
  };
  return new Request(new URL(req.url ?? '/', origin), init);
}

export async function writeWebResponse(response: Response, res: ServerResponse, method: string): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body || method === 'HEAD') {
    res.end();
    return;
  }
  const nodeStream = Readable.fromWeb(response.body as NodeReadableStream);
  await new Promise<void>((resolve) => {
    nodeStream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => resolve());
    nodeStream.pipe(res);
  });
}
