// The local RealtimeKit's webhook signing key: RSA 2048, made once and kept in the state folder. Deliveries are
// signed RSASSA-PKCS1-v1_5 / SHA-256 over the raw body, base64, in `rtk-signature` (docs/rtk.md#webhook-signatures); the public key
// (PEM, SPKI) is served like RTK's at /.well-known/webhooks.json.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class WebhookSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;

  constructor(stateDir: string) {
    const file = join(stateDir, 'rtk-webhook-signing-key.pem');
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    this.privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    this.publicKeyPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The base64 signature of a body. */
  sign(rawBody: string | Buffer): string {
    return sign('sha256', Buffer.from(rawBody), this.privateKey).toString('base64');
  }
}
