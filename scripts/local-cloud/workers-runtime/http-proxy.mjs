// Streams one node:http request to a target origin and the answer back, keeping the Host header, so the
// Worker sees the URL the client used (its workers.dev port, or a custom domain).
import http from 'node:http';

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} targetOrigin e.g. http://127.0.0.1:41234
 * @param {{ path?: string, onConnectError?: (error: Error) => void }} [options]
 */
export function proxyHttp(req, res, targetOrigin, { path } = {}) {
  return new Promise((resolve) => {
    const target = new URL(targetOrigin);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: path ?? req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
        answer.on('end', () => resolve(true));
        answer.on('error', () => {
          res.destroy();
          resolve(true);
        });
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local cloud: the Worker did not answer (${error.message})`);
      } else res.destroy();
      resolve(false);
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}
