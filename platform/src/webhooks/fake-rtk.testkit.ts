/**
 * Test kit (imported only by tests): an RSA key pair made with WebCrypto, a stand-in for RTK's HTTP surface
 * (well-known key, download URLs, the REST routes the platform calls) reached through a fetch router, and a
 * delivery helper that signs exactly like RTK. The platform's real verification and processing code runs.
 */
import { env } from 'cloudflare:test';
import { vi } from 'vitest';
import { base64Encode } from '../../../shared/src/encoding';
import { call, multiOrgEnv, type Session } from '../../test/helpers';
import type { Env } from '../env';
import { newId } from '../../../shared/src/ids';

export const RTK_ORIGIN = 'https://rtk.test';
export const FILES_ORIGIN = 'https://files.rtk.test';

export async function makeKeyPair() {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
  const b64 = base64Encode(spki);
  const pem = `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  return {
    pem,
    async sign(body: string | Uint8Array) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      return base64Encode(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, bytes)));
    },
  };
}
export type KeyPair = Awaited<ReturnType<typeof makeKeyPair>>;

type Handler = (request: Request) => Response | Promise<Response>;

/** The fake RTK: its key, files at download URLs, REST answers, fault injection and a log of fetched URLs. */
export class FakeRtk {
  key!: KeyPair;
  files = new Map<string, { body: string; type: string }>();
  recordings = new Map<string, Record<string, unknown>>();
  liveSessions: Record<string, unknown>[] = [];
  /** GET /sessions/{id} answers (RTK keeps sessions indefinitely). */
  sessions = new Map<string, Record<string, unknown>>();
  /** The app's webhook configs (POST/GET/PATCH /webhooks). */
  webhooks = new Map<string, Record<string, unknown>>();
  fetched: string[] = [];
  /** Path substrings that answer 500 (remaining count per entry). */
  faults = new Map<string, number>();
  summaryRequests: string[] = [];
  mail: { to: string; subject: string; text: string }[] = [];
  telemetry: { path: string; body: any }[] = [];
  private original = globalThis.fetch.bind(globalThis);

  static async start() {
    const fake = new FakeRtk();
    fake.key = await makeKeyPair();
    fake.install();
    return fake;
  }

  env(overrides: Partial<Env> = {}): Env {
    return {
      ...multiOrgEnv,
      RTK_WEBHOOK_KEYS_URL: RTK_ORIGIN,
      RTK_API_BASE: `${RTK_ORIGIN}/client/v4`,
      ACCOUNT_ID: 'acc',
      RTK_APP_ID: 'app',
      RTK_API_TOKEN: 'rtk-token-secret',
      RTK_DOWNLOAD_ORIGINS: FILES_ORIGIN,
      MAIL_API_URL: `${RTK_ORIGIN}/mail`,
      APP_BASE_URL: 'https://meet.example',
      PHONE_HOME_URL: `${RTK_ORIGIN}/vendor`,
      ...overrides,
    };
  }

  /** Puts a file at a download URL and returns the URL. */
  file(name: string, body: string, type = 'application/json') {
    this.files.set(`/${name}`, { body, type });
    return `${FILES_ORIGIN}/${name}`;
  }

  /** RTK's 7-day retention: the URL stops working. */
  expireFiles() {
    this.files.clear();
  }

  private install() {
    const handler: Handler = async (request) => this.handle(request);
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.origin === RTK_ORIGIN || url.origin === FILES_ORIGIN) {
        this.fetched.push(request.url);
        return handler(request);
      }
      if (url.hostname.endsWith('.test') || url.hostname.endsWith('.example') || url.hostname === 'evil.example') {
        this.fetched.push(request.url);
        return new Response('not here', { status: 404 });
      }
      return this.original(input, init);
    });
  }

  private fault(path: string) {
    for (const [needle, remaining] of this.faults) {
      if (remaining > 0 && path.includes(needle)) {
        this.faults.set(needle, remaining - 1);
        return true;
      }
    }
    return false;
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (this.fault(path)) return new Response('injected', { status: 500 });
    const json = (data: unknown, status = 200) =>
      new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json' } });
    if (url.origin === FILES_ORIGIN) {
      const file = this.files.get(path);
      return file
        ? new Response(file.body, { headers: { 'content-type': file.type } })
        : new Response('<Error>AccessDenied: expired</Error>', { status: 403 });
    }
    if (path === '/.well-known/webhooks.json') return json({ success: true, data: { publicKey: this.key.pem } });
    if (path === '/mail' && request.method === 'POST') {
      this.mail.push(await request.json());
      return json({ ok: true });
    }
    if (path.startsWith('/vendor/')) {
      this.telemetry.push({ path, body: await request.json() });
      return json({ ok: true });
    }
    const prefix = '/client/v4/accounts/acc/realtime/kit/app';
    if (!path.startsWith(prefix)) return json({ success: false }, 404);
    if (request.headers.get('authorization') !== 'Bearer rtk-token-secret') return json({ success: false }, 401);
    const rest = path.slice(prefix.length);
    const recording = /^\/recordings\/([^/]+)$/.exec(rest);
    if (recording && request.method === 'GET') {
      const data = this.recordings.get(recording[1]!);
      return data ? json({ success: true, data }) : json({ success: false }, 404);
    }
    const summary = /^\/sessions\/([^/]+)\/summary$/.exec(rest);
    if (summary && request.method === 'POST') {
      this.summaryRequests.push(summary[1]!);
      return json({ success: true, data: { session_id: summary[1], status: 'PENDING' } });
    }
    if (rest === '/sessions' && request.method === 'GET')
      return json({ success: true, data: { sessions: this.liveSessions } });
    if (rest === '/webhooks' && request.method === 'GET')
      return json({ success: true, data: [...this.webhooks.values()] });
    if (rest === '/webhooks' && request.method === 'POST') {
      const body = (await request.json()) as Record<string, unknown>;
      const webhook = { ...body, id: `wh-${this.webhooks.size + 1}` };
      this.webhooks.set(webhook.id, webhook);
      return json({ success: true, data: webhook });
    }
    const webhook = /^\/webhooks\/([^/]+)$/.exec(rest);
    if (webhook && request.method === 'PATCH' && this.webhooks.has(webhook[1]!)) {
      const updated = { ...this.webhooks.get(webhook[1]!), ...((await request.json()) as object) };
      this.webhooks.set(webhook[1]!, updated);
      return json({ success: true, data: updated });
    }
    const session = /^\/sessions\/([^/]+)$/.exec(rest);
    if (session && request.method === 'GET') {
      const data = this.sessions.get(session[1]!);
      return data ? json({ success: true, data }) : json({ success: false }, 404);
    }
    if (rest === '/meetings' && request.method === 'GET') return json({ success: true, data: [], paging: {} });
    return json({ success: false }, 404);
  }
}

export interface DeliverOptions {
  uuid?: string | null;
  webhookId?: string;
  signature?: string | null;
  env?: Env;
  path?: string;
}

/** Posts a body to the webhook endpoint signed with the fake's key (or the given signature). */
export async function deliver(fake: FakeRtk, payload: unknown, options: DeliverOptions = {}) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = options.signature === undefined ? await fake.key.sign(raw) : options.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'rtk-webhook-id': options.webhookId ?? 'wh-1',
  };
  if (options.uuid !== null) headers['rtk-uuid'] = options.uuid ?? crypto.randomUUID();
  if (signature) headers['rtk-signature'] = signature;
  return call('POST', options.path ?? '/webhooks/rtk', { rawBody: raw, headers, env: options.env ?? fake.env() });
}

/** A meeting row wired to an RTK meeting id, inserted directly (the meetings API is another module). */
export async function insertMeeting(
  owner: Session,
  options: {
    rtkMeetingId?: string;
    title?: string;
    meetingType?: string;
    schedulingType?: string;
    createdBy?: string;
  } = {},
) {
  const id = newId();
  const rtkMeetingId = options.rtkMeetingId ?? `rtk-m-${id}`;
  await env.DB.prepare(
    `INSERT INTO meetings (id, org_id, rtk_meeting_id, title, slug, meeting_type, scheduling_type, status, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)`,
  )
    .bind(
      id,
      owner.org.id,
      rtkMeetingId,
      options.title ?? 'Weekly sync',
      `s-${id.toLowerCase()}`,
      options.meetingType ?? 'video',
      options.schedulingType ?? 'instant',
      options.createdBy ?? owner.user.id,
    )
    .run();
  return { id, rtkMeetingId };
}

/** RTK's common `meeting` object (rtk.md §2.4). */
export const meetingObject = (
  rtkMeetingId: string,
  sessionId: string,
  times: { startedAt?: string; endedAt?: string } = {},
) => ({
  id: rtkMeetingId,
  sessionId,
  title: 'Weekly sync',
  roomName: 'room',
  status: 'LIVE',
  createdAt: '2026-11-20T09:00:00.000Z',
  startedAt: times.startedAt ?? '2026-11-20T10:00:00.000Z',
  ...(times.endedAt ? { endedAt: times.endedAt } : {}),
  organizedBy: { id: 'org-rtk', name: 'Castio' },
});

/** A D1 binding whose n-th next operation (statement or batch) throws once: injected storage failures. */
export function faultyDb(real: D1Database) {
  let countdown = 0;
  const realOf = new WeakMap<object, D1PreparedStatement>();
  const tick = () => {
    if (countdown > 0 && --countdown === 0) throw new Error('D1_ERROR: injected failure');
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        if (property === 'run' || property === 'first' || property === 'all' || property === 'raw') {
          return async (...args: unknown[]) => {
            tick();
            return (target as any)[property](...args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    realOf.set(proxy, statement);
    return proxy;
  };
  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql));
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          tick();
          return target.batch(statements.map((statement) => realOf.get(statement) ?? statement));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db,
    /** The n-th D1 operation from now fails (1 = the very next one); 0 disarms. */
    failAt(n: number) {
      countdown = n;
    },
    get armed() {
      return countdown > 0;
    },
  };
}
