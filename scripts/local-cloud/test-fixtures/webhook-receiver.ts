// A webhook receiver for tests: records raw bodies and headers; answers with scripted statuses.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RtkWebhookBody } from './rtk-bodies.ts';

export type Received = { raw: string; headers: http.IncomingHttpHeaders; body: RtkWebhookBody };

export async function startWebhookReceiver() {
  const received: Received[] = [];
  let script: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ raw, headers: req.headers, body: JSON.parse(raw) });
      const status = script.length ? (script.shift() as number) : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(String(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/rtk`,
    received,
    /** The next answers, in order (then 200). */
    answerWith: (statuses: number[]) => {
      script = [...statuses];
    },
    clear: () => received.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Verifies an RTK signature exactly as RTK documents it for Workers (WebCrypto, SPKI PEM, raw body). */
export async function verifyRtkSignature(publicKeyPem: string, rawBody: string, signatureB64: string) {
  const der = Buffer.from(publicKeyPem.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, ''), 'base64');
  const key = await crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  return crypto.subtle.verify(
    'RSASSA-PKCS1-v1_5',
    key,
    Buffer.from(signatureB64, 'base64'),
    new TextEncoder().encode(rawBody),
  );
}
