// Bridges node:http to web Request/Response, streaming both ways.
import { Readable } from 'node:stream';

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {string} origin e.g. http://127.0.0.1:8700
 */
export function toWebRequest(req, origin) {
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
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body: hasBody ? /** @type {any} */ (Readable.toWeb(req)) : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: controller.signal,
  });
}

/**
 * @param {Response} response
 * @param {import('node:http').ServerResponse} res
 * @param {string} method
 */
export async function writeWebResponse(response, res, method) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body || method === 'HEAD') {
    res.end();
    return;
  }
  const nodeStream = Readable.fromWeb(/** @type {any} */ (response.body));
  await new Promise((resolve) => {
    nodeStream.on('error', () => {
      res.destroy();
      resolve(undefined);
    });
    res.on('close', () => resolve(undefined));
    nodeStream.pipe(res);
  });
}
