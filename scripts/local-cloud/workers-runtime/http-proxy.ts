// Streams one node:http request to a target origin and the answer back, keeping the Host header, so the
// Worker sees the URL the client used (its workers.dev port, or a custom domain).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

/** @param targetOrigin e.g. http://127.0.0.1:41234 */
export function proxyHttp(req: IncomingMessage, res: ServerResponse, targetOrigin: string): Promise<void> {
  return new Promise((resolve) => {
    const target = new URL(targetOrigin);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local cloud: the Worker did not answer (${error.message})`);
      } else res.destroy();
      resolve();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
}
